package dev.riposte.helpers;

import dev.riposte.config.RiposteConfig;

/**
 * What one run may do beyond its time and memory: log lines and bytes ({@code reactions.max_log_lines},
 * {@code reactions.max_log_bytes}), addresses it may ask to block ({@code netpolicy.max_blocks_per_run}),
 * and helper calls kept for the audit trail (the rest are counted).
 */
public record RunLimits(int maxLogLines, long maxLogBytes, int maxBlocks, int maxRecordedCalls) {
    /** Helper calls kept per run for the audit trail; a run making more is summarised by a count. */
    public static final int RECORDED_CALLS = 256;

    public RunLimits {
        if (maxLogLines < 0 || maxLogBytes < 0 || maxBlocks < 0 || maxRecordedCalls < 0) {
            throw new IllegalArgumentException("limits cannot be negative");
        }
    }

    /** The limits a configuration sets. */
    public static RunLimits of(RiposteConfig config) {
        return new RunLimits(
                config.reactions().maxLogLines(),
                config.reactions().maxLogBytes(),
                config.netpolicy().maxBlocksPerRun(),
                RECORDED_CALLS);
    }

    /** Limits for a file being checked at load and for tests that need no particular ones. */
    public static RunLimits defaults() {
        return new RunLimits(100, 64 * 1024, 256, RECORDED_CALLS);
    }
}
