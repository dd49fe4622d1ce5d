package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes the kernel's sets. The bridge queues each decided change and answers the
 * helper at once; the writer puts every change waiting at that moment into one batch, so that a burst of
 * blocks becomes few batches. Of an address changed twice before a batch, the latest change wins. Repairs
 * run on this thread too, between batches ({@link #repair}), so that none works from a picture of the
 * kernel a batch has changed meanwhile: a repair follows the batch taken with it, and takes the bridge's
 * blocks together with what was queued since, which they include, emptying the queue. A batch the kernel
 * refuses is followed by a repair. Thread-safe.
 */
final class KernelWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelWriter.class);

    private final Kernel kernel;
    private final Clock clock;
    private final Reconciler reconciler;
    private final Supplier<List<Block>> wanted;
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    /** Additions not yet applied (the latest wins) and deletions. */
    private final Map<InetAddress, Block> pendingAdd = new LinkedHashMap<>();

    private final Set<InetAddress> pendingDelete = new LinkedHashSet<>();
    /** Those waiting for a repair that has not begun. */
    private final List<CompletableFuture<Integer>> repairs = new ArrayList<>();

    private boolean closed;

    /**
     * @param reconciler what repairs, and learns whether the kernel takes changes
     * @param wanted the blocks the kernel should hold, taken together with a {@link #clear} of the queue
     *     (so that no change is both in them and still queued), or null when the kernel should hold no
     *     table (after a flush)
     */
    KernelWriter(Kernel kernel, Clock clock, Reconciler reconciler, Supplier<List<Block>> wanted) {
        this.kernel = kernel;
        this.clock = clock;
        this.reconciler = reconciler;
        this.wanted = wanted;
        this.thread = Thread.ofPlatform().name("riposte-netpolicy").daemon().unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code block} into the kernel's set (with what is left of it at the time of the batch). */
    synchronized void add(Block block) {
        pendingDelete.remove(block.address());
        pendingAdd.put(block.address(), block);
        notifyAll();
    }

    /** Queues the removal of {@code address} from the kernel's set. */
    synchronized void delete(InetAddress address) {
        pendingAdd.remove(address);
        pendingDelete.add(address);
        notifyAll();
    }

    /** Forgets every queued change (the table is about to be removed). */
    synchronized void clear() {
        pendingAdd.clear();
        pendingDelete.clear();
    }

    /**
     * Asks for a repair; the answer is its count of repairs, 0 when the kernel refused it or the writer
     * stopped first.
     */
    synchronized CompletableFuture<Integer> repair() {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        if (closed) {
            answer.complete(0);
        } else {
            repairs.add(answer);
            notifyAll();
        }
        return answer;
    }

    /** Batches applied since start (for tests and benchmarks). */
    long batches() {
        return batches.get();
    }

    private void loop() {
        while (true) {
            List<Kernel.Element> add = new ArrayList<>();
            List<InetAddress> delete;
            List<CompletableFuture<Integer>> asked;
            synchronized (this) {
                while (pendingAdd.isEmpty() && pendingDelete.isEmpty() && repairs.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                asked = List.copyOf(repairs);
                repairs.clear();
                Instant now = clock.instant();
                for (Block b : pendingAdd.values()) {
                    if (b.activeAt(now)) {
                        add.add(new Kernel.Element(b.address(), b.remaining(now)));
                    }
                }
                delete = List.copyOf(pendingDelete);
                pendingAdd.clear();
                pendingDelete.clear();
            }
            if (!add.isEmpty() || !delete.isEmpty()) {
                apply(add, delete);
            }
            if (!asked.isEmpty()) {
                int fixed = repairNow();
                asked.forEach(a -> a.complete(fixed));
            }
        }
    }

    private void apply(List<Kernel.Element> add, List<InetAddress> delete) {
        try {
            kernel.apply(add, delete);
            batches.incrementAndGet();
            reconciler.accepted();
        } catch (Kernel.KernelException | OutOfMemoryError e) {
            // A delete of an element whose timer ran out, a deleted table, a lost capability, a moment
            // without heap.
            LOG.warn(
                    "netpolicy: a batch of {} additions and {} deletions failed ({}); reconciling",
                    add.size(),
                    delete.size(),
                    e.getMessage());
            repairNow();
        }
    }

    private int repairNow() {
        try {
            List<Block> blocks = wanted.get();
            return blocks == null ? 0 : reconciler.repair(blocks, clock.instant());
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("netpolicy: reconcile failed", e);
            return 0;
        }
    }

    /** Applies what is queued, then ends the thread (waiting up to five seconds for it). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
