package dev.riposte.sandbox;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.graalvm.polyglot.Context;

/**
 * Cancels runs that pass their deadline or allocate more than their budget, by closing their context
 * from this watchdog's thread (the guest stops within milliseconds, also inside host calls). One
 * thread watches every run. Thread-safe.
 */
final class RunWatchdog implements AutoCloseable {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    enum Stop { DEADLINE, MEMORY }

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final long maxAllocBytes;
    private final Thread thread;
    private volatile boolean running = true;

    RunWatchdog(long maxAllocBytes) {
        this.maxAllocBytes = maxAllocBytes;
        this.thread = Thread.ofPlatform().daemon().name("riposte-watchdog").start(this::loop);
    }

    /** Starts watching a run on the calling thread. */
    Watch start(Context context, Duration timeout) {
        Watch w = new Watch(context, System.nanoTime() + timeout.toNanos(), Thread.currentThread().threadId(),
                threads.getCurrentThreadAllocatedBytes());
        active.add(w);
        return w;
    }

    void finish(Watch w) {
        active.remove(w);
    }

    private void loop() {
        while (running) {
            LockSupport.parkNanos(TICK_NANOS);
            long now = System.nanoTime();
            for (Watch w : active) {
                if (now - w.deadlineNanos > 0) {
                    w.stop(Stop.DEADLINE);
                } else if (threads.getThreadAllocatedBytes(w.threadId) - w.allocatedAtStart > maxAllocBytes) {
                    w.stop(Stop.MEMORY);
                }
            }
        }
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
        private volatile Stop stopped;

        Watch(Context context, long deadlineNanos, long threadId, long allocatedAtStart) {
            this.context = context;
            this.deadlineNanos = deadlineNanos;
            this.threadId = threadId;
            this.allocatedAtStart = allocatedAtStart;
        }

        /** Why the watchdog stopped this run, or null. */
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
            Thread.ofPlatform().daemon().name("riposte-cancel").start(() -> context.close(true));
        }
    }
}
