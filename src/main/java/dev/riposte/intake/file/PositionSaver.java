package dev.riposte.intake.file;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the positions of the sources whose marks moved, on one thread, as soon as they move but at
 * most once per {@link #MIN_INTERVAL}: a kill -9 runs again at most the events handled in that last
 * moment. A save that fails (full disk) is tried again with the next move. {@link #close} saves
 * everything once more. Thread-safe.
 */
final class PositionSaver implements AutoCloseable {
    static final Duration MIN_INTERVAL = Duration.ofMillis(5);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(PositionSaver.class);

    private final Positions positions;
    private final LongSupplier nanoClock;
    private final List<FileSource> sources = new CopyOnWriteArrayList<>();
    private final Set<FileSource> dirty = new LinkedHashSet<>();
    private final Thread writer;
    private boolean stopping;

    PositionSaver(Positions positions, LongSupplier nanoClock) {
        this.positions = positions;
        this.nanoClock = nanoClock;
        this.writer = Thread.ofPlatform().name("riposte-positions").daemon().unstarted(this::write);
    }

    void start() {
        writer.start();
    }

    void register(FileSource source) {
        sources.add(source);
    }

    /** {@code source}'s marks moved. Never blocks on the store. */
    void changed(FileSource source) {
        synchronized (dirty) {
            if (dirty.add(source)) {
                dirty.notifyAll();
            }
        }
    }

    private void write() {
        long last = 0;
        try {
            while (true) {
                List<FileSource> batch;
                synchronized (dirty) {
                    while (dirty.isEmpty() && !stopping) {
                        dirty.wait();
                    }
                    if (stopping) {
                        return;
                    }
                }
                long wait = MIN_INTERVAL.toNanos() - (nanoClock.getAsLong() - last);
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                synchronized (dirty) {
                    batch = List.copyOf(dirty);
                    dirty.clear();
                }
                last = nanoClock.getAsLong();
                boolean failed = false;
                for (FileSource s : batch) {
                    if (!positions.save(s.source(), s.marks())) {
                        failed = true;
                        changed(s);
                    }
                }
                if (failed) {
                    // The store said why (a full disk, a damaged file); try again in a while, not at once.
                    Thread.sleep(RETRY_AFTER_FAILURE.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the writer and saves every source's marks as they are now. */
    @Override
    public void close() {
        synchronized (dirty) {
            stopping = true;
            dirty.notifyAll();
        }
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (FileSource s : sources) {
            if (!positions.save(s.source(), s.marks())) {
                LOG.error(
                        "intake: the position of {} could not be saved; after the restart it is read again from its "
                                + "last saved position",
                        s.source());
            }
        }
    }
}
