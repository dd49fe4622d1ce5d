package dev.riposte.intake.file;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Waits for a change to one followed file, seen through inotify on its directory: a change counts only
 * when it names the file or one of its rotated names ({@link LogFiles#rotatedName}). A directory also
 * holds other files that change all the time (/var/log's other logs; a state store kept beside the
 * file), and waking the reader for each of them costs CPU for nothing. What inotify on the directory
 * cannot report (writes to a rotated file renamed to an unrelated name, or to a deleted file still
 * open) is found by the caller's poll. Used by one reader thread; {@link #close} from any thread.
 */
final class ChangeWatch implements AutoCloseable {
    private final Path dir;
    private final String name;
    private final LongSupplier nanoClock;
    private volatile @Nullable WatchService watch;
    private @Nullable WatchKey key;

    ChangeWatch(Path path, LongSupplier nanoClock) {
        Path absolute = path.toAbsolutePath();
        this.dir = Objects.requireNonNull(absolute.getParent(), "a file's directory");
        this.name = absolute.getFileName().toString();
        this.nanoClock = nanoClock;
    }

    /** Whether a change to {@code changed}, in the same directory, may concern the file named {@code name}. */
    static boolean concerns(String name, String changed) {
        return changed.equals(name) || LogFiles.rotatedName(name, changed);
    }

    /**
     * Returns once the directory reports a change that concerns the file (or lost track: an overflow),
     * or after {@code timeout}. Throws {@link java.nio.file.NoSuchFileException} while the directory does
     * not exist; returns at once once {@link #close}d.
     */
    void await(Duration timeout) throws IOException, InterruptedException {
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        try {
            if (key == null || !key.isValid()) {
                key = null;
                if (watch == null) {
                    watch = FileSystems.getDefault().newWatchService();
                }
                key = dir.register(
                        watch,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            WatchService watching = Objects.requireNonNull(watch);
            long left;
            while ((left = deadline - nanoClock.getAsLong()) > 0) {
                WatchKey ready = watching.poll(left, TimeUnit.NANOSECONDS);
                if (ready == null) {
                    return;
                }
                boolean relevant = false;
                for (WatchEvent<?> event : ready.pollEvents()) {
                    relevant |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || (event.context() instanceof Path changed && concerns(name, changed.toString()));
                }
                ready.reset();
                if (relevant) {
                    return;
                }
            }
        } catch (ClosedWatchServiceException e) {
            // closed: the reader stops
        }
    }

    @Override
    public void close() throws IOException {
        WatchService w = watch;
        if (w != null) {
            w.close();
        }
    }
}
