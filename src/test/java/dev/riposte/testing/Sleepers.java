package dev.riposte.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Real child processes (sleep) for the kill tests: each test kills its own, and close() ends what is left. */
public final class Sleepers implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();

    /** A new {@code sleep 600}. */
    public Process start() throws Exception {
        Process p = new ProcessBuilder("sleep", "600").start();
        started.add(p);
        return p;
    }

    /** When the process started, as the JDK reads it from /proc. */
    public static Instant startTime(Process p) {
        return p.toHandle().info().startInstant().orElseThrow();
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }
}
