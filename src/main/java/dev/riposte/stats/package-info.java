/**
 * Counters and latency of the data path, read by {@code riposte stats}. Writers are lock-free
 * (LongAdder, HdrHistogram Recorder); a snapshot accumulates the latency intervals recorded since the
 * previous one.
 */
package dev.riposte.stats;
