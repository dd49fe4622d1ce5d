package dev.riposte.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends systemd a STATUS line every {@link #STATUS_EVERY} and, when the unit has {@code WatchdogSec=},
 * a WATCHDOG ping every half of it, but only while the dispatcher is making progress: a stalled
 * dispatcher stops the pings and systemd restarts the service. Thread-safe.
 */
public final class Heartbeat implements AutoCloseable {
    static final Duration STATUS_EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("riposte-heartbeat").daemon().unstarted(r));
    private volatile String lastStall;

    /**
     * @param status the STATUS text now
     * @param stall why the dispatcher is not making progress now, or null
     */
    public Heartbeat(Notifier notifier, Map<String, String> env, Supplier<String> status, Supplier<String> stall) {
        if (!notifier.active()) {
            return;
        }
        long statusMillis = STATUS_EVERY.toMillis();
        timer.scheduleAtFixedRate(
                surviving(() -> notifier.status(status.get())), statusMillis, statusMillis, TimeUnit.MILLISECONDS);
        Duration watchdog = watchdogInterval(env);
        if (watchdog != null) {
            long every = Math.max(1, watchdog.toMillis() / 2);
            timer.scheduleAtFixedRate(surviving(() -> ping(notifier, stall)), 0, every, TimeUnit.MILLISECONDS);
            LOG.info(
                    "systemd watchdog: {} ms, pinging every {} ms while the dispatcher makes progress",
                    watchdog.toMillis(),
                    every);
        }
    }

    /**
     * A task that a failure cannot cancel: a scheduled task that throws is never run again, and a heartbeat
     * that stops pinging gets the daemon restarted. A moment without heap (a run that could not be stopped in
     * time) is one such failure.
     */
    private static Runnable surviving(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.warn("heartbeat: {}; trying again at the next beat", e.toString());
            }
        };
    }

    private void ping(Notifier notifier, Supplier<String> stall) {
        String why = stall.get();
        if (why == null) {
            if (lastStall != null) {
                LOG.warn("dispatcher making progress again; watchdog pings resumed");
                lastStall = null;
            }
            notifier.watchdog();
        } else if (!why.equals(lastStall)) {
            LOG.error("dispatcher stalled ({}); watchdog pings stopped, systemd will restart riposte", why);
            lastStall = why;
        }
    }

    /** {@code WATCHDOG_USEC}, when it is meant for this process ({@code WATCHDOG_PID} absent or ours). */
    static Duration watchdogInterval(Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec == null
                || (pid != null
                        && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return null;
        }
        try {
            long n = Long.parseLong(usec.trim());
            return n > 0 ? Duration.ofNanos(n * 1000) : null;
        } catch (NumberFormatException e) {
            LOG.warn("ignoring WATCHDOG_USEC={}: not a number", usec);
            return null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
