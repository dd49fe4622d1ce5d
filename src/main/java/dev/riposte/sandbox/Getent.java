package dev.riposte.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The system's user database, asked through {@code getent}, which also asks NSS sources (LDAP, sssd). */
final class Getent {
    private Getent() {}

    /** {uid, gid} of {@code name} from {@code getent passwd}, or null when there is no such user. */
    static int @Nullable [] lookup(String name) throws IOException {
        Process p = new ProcessBuilder("getent", "passwd", name)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while looking up " + name);
        }
        String[] fields = out.split(":");
        if (fields.length < 4) {
            return null;
        }
        return new int[] {Integer.parseInt(fields[2]), Integer.parseInt(fields[3])};
    }
}
