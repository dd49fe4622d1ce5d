package dev.riposte.stats;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * Latencies in microseconds, from 0 to one hour (longer ones count as one hour), three significant
 * digits. Recording is lock-free; {@link #read} and {@link #reset} are synchronized.
 */
final class LatencyHistogram {
    private static final long MAX_TRACKED_MICROS = TimeUnit.HOURS.toMicros(1);

    private final Recorder recent = new Recorder(MAX_TRACKED_MICROS, 3);
    private final Histogram total = new Histogram(MAX_TRACKED_MICROS, 3);
    /** The last interval read, handed back to the recorder for reuse: a read allocates nothing. */
    private @Nullable Histogram interval;

    void record(long nanos) {
        recent.recordValue(Math.min(MAX_TRACKED_MICROS, Math.max(0, nanos / 1000)));
    }

    synchronized void reset() {
        interval = recent.getIntervalHistogram(interval);
        total.reset();
    }

    synchronized Metrics.Latency read() {
        interval = recent.getIntervalHistogram(interval);
        total.add(interval);
        return new Metrics.Latency(
                total.getTotalCount(),
                total.getValueAtPercentile(50),
                total.getValueAtPercentile(90),
                total.getValueAtPercentile(99),
                total.getMaxValue());
    }
}
