package dev.riposte.stats;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The daemon's counters and two latency histograms: ingest to done (the daemon's own time) and
 * detection to done (from the time the detector wrote into the event). Thread-safe.
 */
public final class Metrics {

    private final LongAdder received = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder deduplicated = new LongAdder();
    private final LongAdder refusedPeers = new LongAdder();
    private final LongAdder pendingRefused = new LongAdder();
    private final LongAdder connectionErrors = new LongAdder();
    private final LongAdder eventsDone = new LongAdder();
    private final LongAdder runsOk = new LongAdder();
    private final LongAdder runsError = new LongAdder();
    private final LongAdder runsTimedOut = new LongAdder();
    private final LongAdder runsSkipped = new LongAdder();
    private final LatencyHistogram latency = new LatencyHistogram();
    private final LatencyHistogram sinceDetection = new LatencyHistogram();
    /** Also told each event's ingest-to-done time (the Prometheus histogram); none by default. */
    private volatile LongConsumer doneObserver = nanos -> {};

    /** {@code observer} is told every event's ingest-to-done nanoseconds from now on. */
    public void observeDone(LongConsumer observer) {
        doneObserver = observer;
    }

    /** A line became an event. */
    public void received() {
        received.increment();
    }

    /** A line was not an event. */
    public void rejected() {
        rejected.increment();
    }

    /** A connection was refused: its peer is not allowed to send (SO_PEERCRED). */
    public void refusedPeer() {
        refusedPeers.increment();
    }

    /** A line was dropped: the memory for unfinished lines ({@code intake.max_pending_bytes}) was used up. */
    public void pendingRefused() {
        pendingRefused.increment();
    }

    /** A connection ended on an error other than its peer closing it (what it had sent whole was kept). */
    public void connectionError() {
        connectionErrors.increment();
    }

    /** An event was dropped because the queue was full ({@code dispatch.overflow: drop}). */
    public void dropped() {
        dropped.increment();
    }

    /** An event left the daemon: every run it caused ended ({@code latencyNanos} since intake). */
    public void eventDone(long latencyNanos) {
        eventsDone.increment();
        latency.record(latencyNanos);
        doneObserver.accept(latencyNanos);
    }

    /**
     * How long after its detection an event left the daemon ({@code nanos} from the event's own time to
     * done; a detector's clock ahead of ours counts as 0).
     */
    public void sinceDetection(long nanos) {
        sinceDetection.record(nanos);
    }

    /** A run ended with the outcome labelled {@code label}; a dedup skip also counts as deduplicated. */
    public void run(String label, boolean duplicate) {
        switch (label) {
            case "ok" -> runsOk.increment();
            case "error" -> runsError.increment();
            case "timed_out" -> runsTimedOut.increment();
            case "skipped" -> runsSkipped.increment();
            default -> throw new IllegalArgumentException("unknown outcome " + label);
        }
        if (duplicate) {
            deduplicated.increment();
        }
    }

    /** Forgets the latencies recorded so far (for benchmarks that measure one batch). */
    public void resetLatency() {
        latency.reset();
        sinceDetection.reset();
    }

    /** Events done so far (what {@link #snapshot()} says, without reading the histograms). */
    public long eventsDone() {
        return eventsDone.sum();
    }

    public Snapshot snapshot() {
        return new Snapshot(
                received.sum(),
                rejected.sum(),
                dropped.sum(),
                deduplicated.sum(),
                eventsDone.sum(),
                refusedPeers.sum(),
                pendingRefused.sum(),
                connectionErrors.sum(),
                runsOk.sum(),
                runsError.sum(),
                runsTimedOut.sum(),
                runsSkipped.sum(),
                latency.read(),
                sinceDetection.read());
    }

    /** Counters at one moment. */
    public record Snapshot(
            long received,
            long rejected,
            long dropped,
            long deduplicated,
            long eventsDone,
            long refusedPeers,
            long pendingRefused,
            long connectionErrors,
            long runsOk,
            long runsError,
            long runsTimedOut,
            long runsSkipped,
            Latency latencyMicros,
            Latency sinceDetectionMicros) {}

    /** Latency percentiles in microseconds over {@code count} events. */
    public record Latency(long count, long p50, long p90, long p99, long max) {}
}
