package dev.riposte.service;

import dev.riposte.base.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
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

    private final List<Scheduler.Job> jobs = new ArrayList<>();
    private volatile @Nullable String lastStall;

    /**
     * @param status the STATUS text now
     * @param stall why the dispatcher is not making progress now, or null
     */
    public Heartbeat(
            Notifier notifier,
            Map<String, String> env,
            Supplier<String> status,
            Supplier<String> stall,
            Scheduler scheduler) {
        if (!notifier.active()) {
            return;
        }
        jobs.add(scheduler.every("heartbeat-status", STATUS_EVERY, STATUS_EVERY, () -> notifier.status(status.get())));
        Duration watchdog = watchdogInterval(env);
        if (watchdog != null) {
            Duration every = Duration.ofMillis(Math.max(1, watchdog.toMillis() / 2));
            jobs.add(scheduler.every("heartbeat-watchdog", Duration.ZERO, every, () -> ping(notifier, stall)));
            LOG.info(
                    "systemd watchdog: {} ms, pinging every {} ms while the dispatcher makes progress",
                    watchdog.toMillis(),
                    every.toMillis());
        }
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
    static @Nullable Duration watchdogInterval(Map<String, String> env) {
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
        jobs.forEach(Scheduler.Job::cancel);
    }
}
