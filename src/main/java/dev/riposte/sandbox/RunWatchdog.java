package dev.riposte.sandbox;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.graalvm.polyglot.Context;
import org.jspecify.annotations.Nullable;

/**
 * Cancels runs that pass their deadline or allocate more than their budget, by closing their context
 * from this watchdog's thread (the guest stops within milliseconds, also inside host calls). One
 * thread watches every run. Thread-safe.
 *
 * <p>The per-run budget counts bytes allocated, so several runs that each stay under it could still
 * fill a small heap together. A second guard watches the old generation: when a collection leaves it
 * more than {@link #HEAP_GUARD_RATIO} full, the run that has allocated the most (at least
 * {@link #HEAP_GUARD_MIN_BYTES}) is stopped the same way, before the heap runs out.
 */
final class RunWatchdog implements AutoCloseable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final double HEAP_GUARD_RATIO = 0.8;
    static final long HEAP_GUARD_MIN_BYTES = 16L << 20;

    enum Stop {
        DEADLINE,
        MEMORY,
        HEAP,
        SHUTDOWN
    }

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final long maxAllocBytes;
    private final @Nullable MemoryPoolMXBean oldGen = oldGeneration();
    private long oldGenCollections;
    private final Thread thread;
    private volatile boolean running = true;

    RunWatchdog(long maxAllocBytes) {
        this.maxAllocBytes = maxAllocBytes;
        this.thread = Thread.ofPlatform().daemon().name("riposte-watchdog").start(this::loop);
    }

    /** Starts watching a run on the calling thread. */
    Watch start(Context context, Duration timeout) {
        Watch w = new Watch(
                context,
                System.nanoTime() + timeout.toNanos(),
                Thread.currentThread().threadId(),
                threads.getCurrentThreadAllocatedBytes());
        active.add(w);
        return w;
    }

    void finish(Watch w) {
        active.remove(w);
    }

    /**
     * Whether {@code w}'s run has allocated more than its budget, asked by the run's own thread once it has
     * ended: a run that allocates fast can end between two ticks, before it could be stopped.
     */
    boolean overBudget(Watch w) {
        return allocated(w) > maxAllocBytes;
    }

    /** Bytes {@code w}'s run has allocated so far. */
    private long allocated(Watch w) {
        return threads.getThreadAllocatedBytes(w.threadId) - w.allocatedAtStart;
    }

    /** Stops every watched run now: the daemon is stopping. */
    void cancelAll() {
        for (Watch w : active) {
            w.stop(Stop.SHUTDOWN);
        }
    }

    private void loop() {
        while (running) {
            LockSupport.parkNanos(TICK_NANOS);
            try {
                tick();
            } catch (OutOfMemoryError e) {
                // The heap is exhausted for a moment (a run that could not be stopped in time): this thread
                // must outlive it, or no deadline would hold afterwards. The next tick tries again.
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        Watch biggest = null;
        long biggestBytes = 0;
        for (Watch w : active) {
            long allocated = allocated(w);
            if (now - w.deadlineNanos > 0) {
                w.stop(Stop.DEADLINE);
            } else if (allocated > maxAllocBytes) {
                w.stop(Stop.MEMORY);
            } else if (allocated > biggestBytes) {
                biggest = w;
                biggestBytes = allocated;
            }
        }
        if (biggest != null && biggestBytes >= HEAP_GUARD_MIN_BYTES && heapNearlyFull()) {
            biggest.stop(Stop.HEAP);
        }
    }

    /** True once per old-generation collection that left the old generation over the guard ratio. */
    private boolean heapNearlyFull() {
        if (oldGen == null) {
            return false;
        }
        long collections = oldGenCollections();
        if (collections == oldGenCollections) {
            return false;
        }
        oldGenCollections = collections;
        MemoryUsage after = oldGen.getCollectionUsage();
        return after != null && after.getMax() > 0 && after.getUsed() > HEAP_GUARD_RATIO * after.getMax();
    }

    private long oldGenCollections() {
        long count = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            for (String pool : gc.getMemoryPoolNames()) {
                if (oldGen != null && pool.equals(oldGen.getName())) {
                    count += gc.getCollectionCount();
                }
            }
        }
        return count;
    }

    /** The heap pool that holds long-lived objects (Tenured Gen, G1 Old Gen, PS Old Gen, ...), or null. */
    private static @Nullable MemoryPoolMXBean oldGeneration() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String name = pool.getName();
            if (pool.getType() == MemoryType.HEAP
                    && pool.isCollectionUsageThresholdSupported()
                    && (name.contains("Old") || name.contains("Tenured"))) {
                return pool;
            }
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }

    /** One watched run. */
    static final class Watch {
        private final Context context;
        private final long deadlineNanos;
        private final long threadId;
        private final long allocatedAtStart;
        private volatile @Nullable Stop stopped;

        Watch(Context context, long deadlineNanos, long threadId, long allocatedAtStart) {
            this.context = context;
            this.deadlineNanos = deadlineNanos;
            this.threadId = threadId;
            this.allocatedAtStart = allocatedAtStart;
        }

        /** Why the watchdog stopped this run, or null. */
        @Nullable
        Stop stopped() {
            return stopped;
        }

        private synchronized void stop(Stop reason) {
            if (stopped != null) {
                return;
            }
            stopped = reason;
            // close(true) waits for the guest to stop; do it off the watchdog thread so one slow
            // cancellation never delays the others.
            try {
                Thread.ofPlatform().daemon().name("riposte-cancel").start(() -> context.close(true));
            } catch (OutOfMemoryError e) {
                context.close(true);
            }
        }
    }
}
