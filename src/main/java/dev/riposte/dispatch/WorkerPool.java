package dev.riposte.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's worker threads and their heartbeats: each worker beats as it comes round its loop, so
 * that one busy past every run's deadline, or dead, is seen ({@link #stalled}). Thread-safe once started.
 */
final class WorkerPool {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    private final List<Thread> threads = new ArrayList<>();
    /** When each worker last came round its loop (by the ticker). */
    private final AtomicLongArray beats;
    /** Nanoseconds from an arbitrary origin. */
    private final LongSupplier ticker;

    WorkerPool(int size, LongSupplier ticker) {
        this.beats = new AtomicLongArray(size);
        this.ticker = ticker;
    }

    /** Starts the workers, each running {@code loop} with its index. Called once. */
    void start(IntConsumer loop) {
        for (int i = 0; i < beats.length(); i++) {
            int index = i;
            beats.set(i, ticker.getAsLong());
            // Daemon threads: a run stuck where cancellation cannot reach must not keep the JVM from exiting.
            threads.add(Thread.ofPlatform().name("riposte-worker-" + i).daemon().start(() -> loop.accept(index)));
        }
    }

    /** Worker {@code index} came round its loop. */
    void beat(int index) {
        beats.set(index, ticker.getAsLong());
    }

    /**
     * Why the workers are not making progress, or null when they are: one has died, or has not come round
     * its loop for longer than {@code limit}.
     */
    @Nullable
    String stalled(Duration limit) {
        long now = ticker.getAsLong();
        for (int i = 0; i < threads.size(); i++) {
            if (!threads.get(i).isAlive()) {
                return "worker " + i + " has died";
            }
            long silent = now - beats.get(i);
            if (silent > limit.toNanos()) {
                return "worker " + i + " has been busy with one run for " + silent / 1_000_000_000 + " s";
            }
        }
        return null;
    }

    /** Waits up to {@code wait} in all for the workers to end; logs each that did not. */
    void join(Duration wait) {
        // Waiting for other threads: real time, whatever the ticker.
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread worker : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !worker.join(Duration.ofNanos(left))) {
                    LOG.warn(
                            "worker {} did not stop within {} ms; leaving it to the exit",
                            worker.getName(),
                            wait.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
