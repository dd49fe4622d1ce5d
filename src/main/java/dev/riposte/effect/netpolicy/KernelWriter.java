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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes the kernel's sets. The bridge queues each decided change and answers the
 * helper at once; the writer puts every change waiting at that moment into one batch, so that a burst of
 * blocks becomes few batches. Of an address changed twice before a batch, the latest change wins. A batch
 * the kernel refuses hands over to {@code onFailure} (a reconcile, which works out what the kernel lacks
 * from the bridge's own state). Thread-safe.
 */
final class KernelWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelWriter.class);

    private final Kernel kernel;
    private final Clock clock;
    private final Runnable onSuccess;
    private final Runnable onFailure;
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    /** Additions not yet applied (the latest wins) and deletions. */
    private final Map<InetAddress, Block> pendingAdd = new LinkedHashMap<>();

    private final Set<InetAddress> pendingDelete = new LinkedHashSet<>();
    private boolean closed;

    /**
     * @param onSuccess after each batch the kernel took
     * @param onFailure after a batch the kernel refused (the reason is logged)
     */
    KernelWriter(Kernel kernel, Clock clock, Runnable onSuccess, Runnable onFailure) {
        this.kernel = kernel;
        this.clock = clock;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
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

    /** Batches applied since start (for tests and benchmarks). */
    long batches() {
        return batches.get();
    }

    private void loop() {
        while (true) {
            List<Kernel.Element> add = new ArrayList<>();
            List<InetAddress> delete;
            synchronized (this) {
                while (pendingAdd.isEmpty() && pendingDelete.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
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
            try {
                kernel.apply(add, delete);
                batches.incrementAndGet();
                onSuccess.run();
            } catch (Kernel.KernelException | OutOfMemoryError e) {
                // A delete of an element whose timer ran out, a deleted table, a lost capability, a moment
                // without heap.
                LOG.warn(
                        "netpolicy: a batch of {} additions and {} deletions failed ({}); reconciling",
                        add.size(),
                        delete.size(),
                        e.getMessage());
                onFailure.run();
            }
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
