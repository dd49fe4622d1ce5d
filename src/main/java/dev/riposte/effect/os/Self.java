package dev.riposte.effect.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's effective capabilities and real uid (capabilities are per thread; riposte's threads
 * share them, but for the one that starts shells, see the sandbox's {@code ConfinedStart}).
 */
public record Self(long capabilities, int uid) {
    /** The capability to change the firewall. */
    public static final int CAP_NET_ADMIN = 12;

    /** Whether {@code capability} (its number, as in capability.h) is in the effective set. */
    public boolean has(int capability) {
        return (capabilities & (1L << capability)) != 0;
    }

    /** From /proc/thread-self/status. */
    public static Self read() throws IOException {
        Long caps = null;
        Integer uid = null;
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
            if (line.startsWith("CapEff:")) {
                caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            } else if (line.startsWith("Uid:")) {
                uid = Integer.parseInt(line.substring("Uid:".length()).trim().split("\\s+")[0]);
            }
        }
        if (caps == null || uid == null) {
            throw new IOException("/proc/thread-self/status has no CapEff or Uid line");
        }
        return new Self(caps, uid);
    }
}
