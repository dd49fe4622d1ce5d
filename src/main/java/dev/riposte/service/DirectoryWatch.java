package dev.riposte.service;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the reactions directory and calls {@code onChange} once a burst of changes has settled
 * ({@link #SETTLE}): an editor's save is several events, and a reload per event would check the file
 * half-written. Thread-safe.
 */
public final class DirectoryWatch implements AutoCloseable {
    static final Duration SETTLE = Duration.ofMillis(300);
    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatch.class);

    private final @Nullable WatchService watcher;
    private final Path dir;
    private @Nullable Thread thread;

    private DirectoryWatch(@Nullable WatchService watcher, Path dir) {
        this.watcher = watcher;
        this.dir = dir;
    }

    /**
     * Starts noticing changes in {@code dir} now, before its files are read, so that none made meanwhile
     * is missed; {@link #start} begins acting on them (those made in between first). If the directory
     * cannot be watched, says so and returns a watch that does nothing.
     */
    public static DirectoryWatch watch(Path dir) {
        try {
            WatchService watcher = FileSystems.getDefault().newWatchService();
            dir.register(
                    watcher,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return new DirectoryWatch(watcher, dir);
        } catch (IOException e) {
            LOG.warn("cannot watch {} for changes ({}); reload with SIGHUP or riposte reload", dir, e.getMessage());
            return new DirectoryWatch(null, dir);
        }
    }

    /** {@link #watch} and {@link #start} at once. */
    public static DirectoryWatch start(Path dir, Runnable onChange) {
        return watch(dir).start(onChange);
    }

    /** Calls {@code onChange} after each settled burst of changes from now on. Once. */
    public synchronized DirectoryWatch start(Runnable onChange) {
        if (thread != null) {
            throw new IllegalStateException("the watch of " + dir + " is started already");
        }
        thread = Thread.ofPlatform().name("riposte-reactions-watch").daemon().unstarted(() -> loop(dir, onChange));
        if (watcher != null) {
            thread.start();
        }
        return this;
    }

    private void loop(Path dir, Runnable onChange) {
        WatchService watcher = Objects.requireNonNull(this.watcher, "started only with a watcher");
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                // Let the burst settle: drain until nothing has happened for SETTLE.
                WatchKey more;
                while ((more = watcher.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                LOG.info("reactions directory {} changed; reloading", dir);
                try {
                    onChange.run();
                } catch (RuntimeException | OutOfMemoryError e) {
                    LOG.error("reload after a change in {} failed", dir, e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (watcher != null) {
            watcher.close();
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
