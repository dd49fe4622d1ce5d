package dev.riposte.base;

import java.time.Duration;

/**
 * Runs the daemon's periodic jobs: evidence retention, giving memory back, the systemd heartbeat, the
 * kernel's reconcile and domain refresh, nftables' retry. Components are handed one and never start timer
 * threads of their own, so that tests can drive time instead of waiting for it.
 *
 * <p>A job runs first after {@code first}, then again {@code period} after each run ends; runs of one job
 * never overlap. A job that throws is logged and runs again at its next time: a periodic job that stopped
 * for good after one failure (a heartbeat, a repair) would fail silently.
 */
public interface Scheduler extends AutoCloseable {
    /** Schedules {@code job}; {@code name} says what it is in thread names and failure lines. */
    Job every(String name, Duration first, Duration period, Runnable job);

    /** Ends every job: none starts again; one that is running finishes. */
    @Override
    void close();

    /** A scheduled job. */
    interface Job {
        /** It does not run again; a run in progress finishes. Idempotent. */
        void cancel();
    }
}
