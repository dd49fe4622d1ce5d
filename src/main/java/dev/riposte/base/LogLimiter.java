package dev.riposte.base;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets at most {@code perSecond} log lines through each second and counts the rest, so that a flood of
 * bad input cannot flood the log; the next line that passes reports how many were held back.
 * Thread-safe.
 */
public final class LogLimiter {
    private final int perSecond;
    private final LongSupplier nanoClock;
    private long windowStart;
    private int used;
    private long suppressed;

    public LogLimiter(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    /**
     * Returns -1 when this line must not be logged; otherwise the number of lines suppressed since the
     * last one that was logged (to be mentioned in it).
     */
    public synchronized long admit() {
        long now = nanoClock.getAsLong();
        if (now - windowStart >= TimeUnit.SECONDS.toNanos(1)) {
            windowStart = now;
            used = 0;
        }
        if (used >= perSecond) {
            suppressed++;
            return -1;
        }
        used++;
        long held = suppressed;
        suppressed = 0;
        return held;
    }
}
