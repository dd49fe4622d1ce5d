package dev.riposte.intake;

import dev.riposte.stats.Metrics;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all connections together may hold of lines they have not finished ({@code
 * intake.max_pending_bytes}), so that many slow or hostile peers cannot exhaust the daemon's memory with
 * half-sent lines. Thread-safe.
 */
final class PendingBytes {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final Metrics metrics;

    PendingBytes(long limit, Metrics metrics) {
        this.limit = limit;
        this.metrics = metrics;
    }

    long limit() {
        return limit;
    }

    /** Takes {@code n} bytes of the budget if they fit; false (nothing taken) when they do not. */
    boolean take(long n) {
        while (true) {
            long now = used.get();
            if (now + n > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    void give(long n) {
        used.addAndGet(-n);
    }

    /** A line was dropped because the budget was used up. */
    void refused() {
        metrics.pendingRefused();
    }

    long used() {
        return used.get();
    }
}
