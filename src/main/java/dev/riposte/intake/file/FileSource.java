package dev.riposte.intake.file;

import dev.riposte.base.Text;
import dev.riposte.config.RiposteConfig;
import dev.riposte.intake.SourceStatus;
import dev.riposte.intake.StreamIntake;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one file of {@code intake.files} like {@code tail -F}, as a stream of JSON values. New data
 * is seen as soon as inotify reports a change to it ({@link ChangeWatch}), with a poll every
 * {@link #POLL} besides, for what inotify cannot see. A rename of the file (logrotate's default) is
 * followed by reading the old file to its end, late writes included, while the new one is read from
 * its start; the old one is let go once it is deleted, or once it has been quiet for
 * {@link Segments#DRAIN_QUIET} while the new one has data. A truncation (copytruncate) restarts at 0; a file
 * that does not exist yet is waited for; a deleted file is read to its end and a new one waited for.
 *
 * <p>Where every file's events have all been handled is saved ({@link Positions}, through the
 * {@link PositionSaver}); after a restart, reading resumes there ({@link Recovery}). One reader
 * thread per source.
 */
final class FileSource implements AutoCloseable {
    static final Duration POLL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);
    private static final String WAITING_FOR_FILE = "waiting for the file to exist";

    private final RiposteConfig.FollowedFile config;
    private final Path path;
    private final String source;
    private final LogFiles files;
    private final Positions positions;
    private final StreamIntake intake;
    private final LongSupplier nanoClock;
    private final Runnable moved;
    private final SegmentOpener opener;
    private final Recovery recovery;
    private final Segments segments;
    private final AtomicLong rotations = new AtomicLong();
    private final AtomicLong truncations = new AtomicLong();
    private final Thread reader;
    private volatile boolean stopping;
    private volatile String state = "starting";
    private final ChangeWatch watch;
    private String lastError = "";
    /** Whether reading has found where to begin; set before the reader starts, or by it. */
    private boolean recovered;

    FileSource(
            RiposteConfig.FollowedFile config,
            LogFiles files,
            Positions positions,
            StreamIntake intake,
            int maxEventBytes,
            PositionSaver saver,
            LongSupplier nanoClock) {
        this.config = config;
        this.path = config.path();
        this.source = config.path().toString();
        this.files = files;
        this.positions = positions;
        this.intake = intake;
        this.nanoClock = nanoClock;
        this.moved = () -> saver.changed(this);
        this.opener = new SegmentOpener(files, maxEventBytes, intake, moved);
        this.recovery = new Recovery(config, files, opener);
        this.segments = new Segments(source);
        this.watch = new ChangeWatch(path, nanoClock);
        this.reader = Thread.ofPlatform()
                .name("riposte-follow-" + path.getFileName())
                .daemon()
                .unstarted(this::follow);
        saver.register(this);
    }

    /** The configured path: the name its positions are saved under. */
    public String source() {
        return source;
    }

    /**
     * Finds where reading begins (the saved marks, or {@code start}) here, so that the file's end for
     * {@code start: end} is its end now, then starts the reader. If that fails (the store or the file
     * cannot be read), the reader keeps trying.
     */
    public void start() {
        try {
            recoverOnce();
        } catch (IOException e) {
            failed(Text.message(e));
        }
        reader.start();
    }

    /** The marks to save: every file being read, oldest first; none while waiting for the file to exist. */
    List<Mark> marks() {
        return segments.marks();
    }

    private void follow() {
        try {
            recover();
            while (!stopping) {
                boolean progressed;
                try {
                    progressed = pass();
                    lastError = "";
                } catch (IOException e) {
                    progressed = false;
                    failed(Text.message(e));
                }
                if (!progressed) {
                    waitForChange();
                }
            }
        } catch (StreamIntake.Stopped e) {
            // The daemon stops: what was read and not taken is read again after the restart.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            state = "stopped by an internal error: " + e;
            LOG.error(
                    "intake: {}: the follower stopped by an internal error; this source is no longer read", source, e);
        } finally {
            state = stopping ? "stopped" : state;
        }
    }

    private void failed(String message) {
        state = "error: " + message;
        if (!message.equals(lastError)) {
            LOG.error("intake: {}: {}; trying again every {} s", source, message, POLL.toSeconds());
            lastError = message;
        }
    }

    /** Where reading begins: the saved marks, or {@code start} when there are none. */
    private void recover() throws InterruptedException {
        while (!recovered && !stopping) {
            try {
                recoverOnce();
            } catch (IOException e) {
                failed(Text.message(e));
                waitForChange();
            }
        }
    }

    private void recoverOnce() throws IOException {
        Recovery.Begun begun = recovery.begin(positions.load(source), nanoClock.getAsLong());
        segments.addAll(begun.segments());
        rotations.addAndGet(begun.rotations());
        truncations.addAndGet(begun.truncations());
        state = segments.isEmpty() ? WAITING_FOR_FILE : "following";
        moved.run();
        recovered = true;
    }

    /** Reads every file to its end (oldest first), then follows the name; returns whether anything happened. */
    private boolean pass() throws IOException {
        long now = nanoClock.getAsLong();
        boolean progressed = false;
        for (Segment s : segments) {
            Segment.Read read = s.readAvailable(now);
            if (read.truncated()) {
                truncations.incrementAndGet();
                LOG.info("intake: {}: {} was truncated; reading it again from byte 0", source, s);
            }
            progressed |= read.any() || read.truncated();
        }
        progressed |= followName(now);
        if (segments.letGo(now)) {
            progressed = true;
            moved.run();
        }
        state = segments.isEmpty() ? WAITING_FOR_FILE : "following";
        return progressed;
    }

    /** A new file at the name starts a new segment; the old one is read on to its end. */
    private boolean followName(long now) throws IOException {
        Optional<LogFiles.FileId> atPath = files.identify(path);
        Segment current = segments.current();
        if (atPath.isEmpty()) {
            if (current != null && current.leftItsNameAt == 0) {
                current.leftItsNameAt = now;
                LOG.info(
                        "intake: {} is gone (renamed or deleted); reading the open file to its end and waiting for a new one",
                        source);
            }
            return false;
        }
        if (current != null && current.id.sameFile(atPath.get())) {
            return false;
        }
        Segment fresh;
        try {
            fresh = opener.open(path, atPath.get(), 0, now);
        } catch (NoSuchFileException e) {
            return false;
        }
        if (current != null) {
            if (current.leftItsNameAt == 0) {
                current.leftItsNameAt = now;
            }
            rotations.incrementAndGet();
            LOG.info(
                    "intake: {} was rotated: reading the new file ({}) from its start, and the old one ({}) to its end",
                    source,
                    fresh.id,
                    current.id);
        } else {
            LOG.info("intake: {} exists now ({}); reading it from its start", source, fresh.id);
        }
        segments.add(fresh);
        moved.run();
        return true;
    }

    /** Waits for a change to the file ({@link ChangeWatch}), or {@link #POLL}. */
    private void waitForChange() throws InterruptedException {
        if (stopping) {
            return;
        }
        try {
            watch.await(POLL);
        } catch (NoSuchFileException e) {
            // the directory does not exist yet: poll
            Thread.sleep(POLL.toMillis());
        } catch (IOException e) {
            failed("cannot watch " + path.toAbsolutePath().getParent() + ": " + e.getMessage());
            Thread.sleep(POLL.toMillis());
        }
    }

    public SourceStatus status() {
        Segment current = segments.current();
        return new SourceStatus(
                source,
                config.format().label(),
                current == null ? "" : current.toString(),
                current == null ? 0 : current.readTo(),
                current == null ? 0 : current.handled(),
                segments.lag(),
                intake.events(),
                intake.rejected(),
                intake.refused(),
                rotations.get(),
                truncations.get(),
                state);
    }

    /** Stops reading (what was read and not taken is read again after a restart); the saver keeps the positions. */
    @Override
    public void close() {
        stopping = true;
        intake.stop();
        try {
            watch.close();
        } catch (IOException e) {
            LOG.debug("closing the watch of {}: {}", source, e.getMessage());
        }
        reader.interrupt();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        segments.closeAll();
    }
}
