package dev.riposte.config;

import java.util.List;

/**
 * Whether a configuration's memory fits the JVM's heap. Every worker may hold a run of
 * {@code reactions.max_alloc_bytes}, and one more run may be a reaction file checked at a reload; queued
 * events take up to two bytes per character of {@code dispatch.queue_max_bytes}; the daemon itself keeps
 * {@link #DAEMON_BYTES} (the engine, reaction sources, sockets, the store, the audit queue). A budget
 * that the heap cannot hold for every run at once is no budget: such a configuration is refused.
 */
public final class HeapBudget {
    /** What the daemon holds in the heap besides runs and queued events (measured idle after a collection: 17 MiB). */
    public static final long DAEMON_BYTES = 48L << 20;

    private HeapBudget() {}

    /** The heap the configuration needs, in bytes. */
    public static long needed(RiposteConfig config) {
        return (config.dispatch().workers() + 1L) * config.reactions().maxAllocBytes()
                + 2 * config.dispatch().queueMaxBytes()
                + DAEMON_BYTES;
    }

    /** The problem, in the configuration's usual form, when {@code config} does not fit {@code maxHeapBytes}; else none. */
    public static List<String> problems(RiposteConfig config, long maxHeapBytes) {
        long needed = needed(config);
        if (needed <= maxHeapBytes) {
            return List.of();
        }
        return List.of("reactions.max_alloc_bytes: (dispatch.workers + 1) x reactions.max_alloc_bytes + 2 x "
                + "dispatch.queue_max_bytes + " + (DAEMON_BYTES >> 20) + " MiB must fit in the JVM heap of "
                + maxHeapBytes
                + " bytes (lower them, or raise -Xmx in RIPOSTE_JAVA_OPTS). Found: ("
                + config.dispatch().workers()
                + " + 1) x " + config.reactions().maxAllocBytes() + " + 2 x "
                + config.dispatch().queueMaxBytes() + " + "
                + DAEMON_BYTES + " = " + needed);
    }
}
