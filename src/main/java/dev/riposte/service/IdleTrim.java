package dev.riposte.service;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory back to the host once a burst of events is over. A burst fills the heap with events that
 * waited in the queue long enough to be promoted and then died in the old generation; the serial collector
 * keeps that memory until its next full collection, which an idle daemon never makes. {@link #check()},
 * called every {@link #EVERY}, asks for one full collection when no event finished since the previous check
 * but some did before it: with the launcher's heap settings ({@code -XX:MaxHeapFreeRatio=30
 * -XX:-ShrinkHeapInSteps}) it shrinks the heap to what is live and returns the rest to the kernel. The
 * JVM trims its native heap by itself ({@code -XX:TrimNativeHeapInterval}). Called from one thread.
 */
public final class IdleTrim {
    /** How often the daemon calls {@link #check()}: a quiet period this long ends a burst. */
    public static final Duration EVERY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(IdleTrim.class);

    private final LongSupplier done;
    private final Runnable collect;
    private long seen;
    private boolean busy;

    /**
     * @param done how many events have finished so far
     * @param collect a full collection ({@code System::gc})
     */
    public IdleTrim(LongSupplier done, Runnable collect) {
        this.done = done;
        this.collect = collect;
        this.seen = done.getAsLong();
    }

    /** Collects when the events stopped since the previous check; returns whether it did. */
    public boolean check() {
        long now = done.getAsLong();
        if (now != seen) {
            seen = now;
            busy = true;
            return false;
        }
        if (!busy) {
            return false;
        }
        busy = false;
        Runtime runtime = Runtime.getRuntime();
        long before = runtime.totalMemory();
        collect.run();
        LOG.debug("idle after a burst: heap {} MiB -> {} MiB", before >> 20, runtime.totalMemory() >> 20);
        return true;
    }
}
