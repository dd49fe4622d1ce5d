package dev.riposte.sandbox;

import dev.riposte.config.RiposteConfig;
import dev.riposte.effect.os.Self;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * How {@code riposte test} runs shell reactions: never for real. Inside bubblewrap ({@code bwrap}), with
 * the whole system mounted read-only, no network (a network namespace with only {@code lo}), its own pid,
 * IPC and user namespaces, no capabilities, and nothing writable but its working directory and a private
 * /tmp, both thrown away after the run. Run as root, the shell first becomes {@code shell.user} (as in
 * the daemon), so that it cannot read root's files either; otherwise it runs as the user running the
 * test. When bubblewrap is missing or cannot make its namespaces, shell reactions are refused, saying
 * why. {@code shell.privileged} changes nothing here.
 */
public final class TestIsolation {
    private TestIsolation() {}

    public static ShellIsolation of(RiposteConfig.Shell config) {
        try {
            Self self = Self.read();
            return of(config, self.uid(), Getent::lookup, "bwrap");
        } catch (IOException e) {
            return ShellIsolation.refused(
                    "cannot tell riposte's privileges or look up shell.user " + config.user() + ": " + e.getMessage());
        }
    }

    static ShellIsolation of(RiposteConfig.Shell config, int selfUid, ShellIsolation.Users users, String bwrap)
            throws IOException {
        ShellIsolation isolation;
        if (selfUid == 0) {
            int[] user = users.lookup(config.user());
            if (user == null || user[0] == 0) {
                return ShellIsolation.refused("riposte test runs shell reactions as shell.user, and " + config.user()
                        + (user == null ? " does not exist on this system" : " is root"));
            }
            isolation = new ShellIsolation(
                    ShellIsolation.Mode.ISOLATED,
                    user[0],
                    user[1],
                    true,
                    true,
                    true,
                    bwrap,
                    "shell reactions "
                            + "run as uid " + user[0] + " (shell.user " + config.user() + ") in bubblewrap: the system "
                            + "read-only, no network, no capabilities, only a throwaway working directory and /tmp writable");
        } else {
            isolation = new ShellIsolation(
                    ShellIsolation.Mode.ISOLATED,
                    selfUid,
                    -1,
                    false,
                    true,
                    false,
                    bwrap,
                    "shell reactions "
                            + "run as you (uid " + selfUid + ") in bubblewrap: the system read-only, no network, no "
                            + "capabilities, only a throwaway working directory and /tmp writable");
        }
        String broken = probe(isolation);
        return broken == null
                ? isolation
                : ShellIsolation.refused("riposte test runs shell reactions only in "
                        + "bubblewrap, and it cannot run here: " + broken + ". Install it (apt install bubblewrap); it "
                        + "needs user namespaces (sysctl kernel.unprivileged_userns_clone=1)");
    }

    /** Why {@code true} cannot be run under {@code isolation}, or null when it can. */
    private static @Nullable String probe(ShellIsolation isolation) {
        try {
            Path dir = Files.createTempDirectory("riposte-bwrap-probe-");
            try {
                if (isolation.switchUser()) {
                    Files.setAttribute(dir, "unix:uid", isolation.uid());
                }
                List<String> argv = isolation.command(List.of("/bin/true"), dir);
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return "bwrap did not finish";
                }
                return p.exitValue() == 0
                        ? null
                        : isolation.bwrap() + " exited with " + p.exitValue() + (out.isEmpty() ? "" : ": " + out);
            } finally {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            return "cannot run " + isolation.bwrap() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
