package dev.riposte.intake.file;

import dev.riposte.config.RiposteConfig;
import dev.riposte.intake.SourceStatus;
import dev.riposte.intake.StreamIntake;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * {@link #DRAIN_QUIET} while the new one has data. A truncation (copytruncate) restarts at 0; a file
 * that does not exist yet is waited for; a deleted file is read to its end and a new one waited for.
 *
 * <p>Where every file's events have all been handled is saved ({@link Positions}, through the
 * {@link PositionSaver}); after a restart, reading resumes there, in the rotated file beside the path
 * that has the saved device, inode and first bytes if the file was rotated meanwhile, then in the files
 * rotated after it, then in the file at the path. Without a saved position, {@code start} decides.
 * One reader thread per source.
 */
final class FileSource implements AutoCloseable {
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration DRAIN_QUIET = Duration.ofSeconds(10);
    /** Rotated files read at once, at most; beyond it the oldest is let go (said in the log). */
    static final int MAX_SEGMENTS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(FileSource.class);

    private final RiposteConfig.FollowedFile config;
    private final Path path;
    private final String source;
    private final LogFiles files;
    private final Positions positions;
    private final StreamIntake intake;
    private final int maxEventBytes;
    private final LongSupplier nanoClock;
    private final Runnable moved;
    private final List<Segment> segments = new CopyOnWriteArrayList<>();
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
        this.maxEventBytes = maxEventBytes;
        this.nanoClock = nanoClock;
        this.moved = () -> saver.changed(this);
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
            failed(e.getMessage());
        }
        reader.start();
    }

    /** The marks to save: every file being read, oldest first; none while waiting for the file to exist. */
    List<Mark> marks() {
        List<Mark> out = new ArrayList<>();
        for (Segment s : segments) {
            out.add(s.mark());
        }
        return out.isEmpty() ? List.of(WAITING) : out;
    }

    /** The mark of a source that waits for its file: whatever file appears at the path is new, read from 0. */
    static final Mark WAITING = new Mark(0, 0, 0, 0, 0, List.of());

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
                    failed(e.getMessage());
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
                failed(e.getMessage());
                waitForChange();
            }
        }
    }

    private void recoverOnce() throws IOException {
        List<Mark> marks = positions.load(source);
        if (marks.isEmpty()) {
            begin();
        } else {
            resume(marks);
        }
        moved.run();
        recovered = true;
    }

    /** No saved position: the file's end ({@code start: end}) or its start; a missing file is waited for. */
    private void begin() throws IOException {
        Optional<LogFiles.FileId> at = files.identify(path);
        if (at.isEmpty()) {
            state = "waiting for the file to exist";
            LOG.info("intake: {} does not exist yet; riposte reads it from its start once it does", source);
            return;
        }
        long offset = config.start() == RiposteConfig.Start.END ? at.get().size() : 0;
        Segment s = Segment.open(files, path, null, offset, maxEventBytes, intake, moved, nanoClock.getAsLong());
        s.startAtEnd();
        segments.add(s);
        state = "following";
        LOG.info(
                "intake: following {} ({}) from byte {} (start: {}, format: {})",
                source,
                s.id,
                s.readTo(),
                config.start().name().toLowerCase(java.util.Locale.ROOT),
                config.format().label());
    }

    /** Resumes from saved marks, finding rotated files by device, inode and first bytes. */
    private void resume(List<Mark> marks) throws IOException {
        long now = nanoClock.getAsLong();
        Segment newestFound = null;
        LogFiles.FileId newestFoundAt = null;
        for (Mark mark : marks) {
            if (mark.inode() == 0) {
                continue;
            }
            Optional<Located> found = locate(mark);
            if (found.isEmpty()) {
                LOG.warn(
                        "intake: {}: the file it was reading ({}, {} bytes handled) is no longer beside it (compressed "
                                + "or deleted while riposte was stopped): its events after that byte are not read",
                        source,
                        new LogFiles.FileId(mark.device(), mark.inode(), 0, null),
                        mark.offset());
                continue;
            }
            Segment s = found.get().segment();
            if (s.readTo() < mark.offset()) {
                truncations.incrementAndGet();
                LOG.warn(
                        "intake: {}: {} was truncated while riposte was stopped; reading it from its start", source, s);
            } else {
                s.skip(mark.handledPast());
            }
            segments.add(s);
            newestFound = s;
            newestFoundAt = found.get().id();
            LOG.info("intake: {}: resuming {} at byte {}", source, s, s.readTo());
        }
        Optional<LogFiles.FileId> atPath = files.identify(path);
        if (newestFound != null && !newestFound.id.sameFile(atPath.orElse(null))) {
            // Rotated while riposte was stopped: the files rotated after it hold events it has not read. They
            // were last written at or after it (file times are coarse: two writes a few ms apart can tie).
            List<LogFiles.Rotated> later = new ArrayList<>();
            for (LogFiles.Rotated r : files.rotatedBeside(path)) {
                if (r.id().modified().compareTo(newestFoundAt.modified()) >= 0 && !holds(r.id())) {
                    later.add(r);
                }
            }
            later.sort(Comparator.comparing(r -> r.id().modified()));
            for (LogFiles.Rotated r : later) {
                Segment s = Segment.open(files, r.path(), r.id(), 0, maxEventBytes, intake, moved, now);
                segments.add(s);
                rotations.incrementAndGet();
                LOG.info("intake: {}: reading {}, rotated while riposte was stopped, from its start", source, s);
            }
        }
        if (atPath.isPresent() && !holds(atPath.get())) {
            try {
                Segment s = Segment.open(files, path, atPath.get(), 0, maxEventBytes, intake, moved, now);
                segments.add(s);
                if (newestFound != null) {
                    rotations.incrementAndGet();
                }
                LOG.info("intake: {}: reading {}, new since riposte last read it, from its start", source, s);
            } catch (NoSuchFileException e) {
                // renamed again meanwhile: the next pass finds what is there now
            }
        }
        state = segments.isEmpty() ? "waiting for the file to exist" : "following";
    }

    private record Located(Segment segment, LogFiles.FileId id) {}

    /** The file with the mark's device, inode and first bytes: at the path, or rotated beside it. */
    private Optional<Located> locate(Mark mark) throws IOException {
        List<LogFiles.Rotated> candidates = new ArrayList<>();
        files.identify(path).ifPresent(id -> candidates.add(new LogFiles.Rotated(path, id)));
        candidates.addAll(files.rotatedBeside(path));
        for (LogFiles.Rotated c : candidates) {
            if (c.id().device() != mark.device() || c.id().inode() != mark.inode()) {
                continue;
            }
            Segment s;
            try {
                s = Segment.open(
                        files, c.path(), c.id(), mark.offset(), maxEventBytes, intake, moved, nanoClock.getAsLong());
            } catch (NoSuchFileException e) {
                continue;
            }
            if (s.headMatches(mark)) {
                return Optional.of(new Located(s, c.id()));
            }
            LOG.warn(
                    "intake: {}: {} has the inode it was reading but other first bytes: the inode was reused",
                    source,
                    s);
            s.close();
        }
        return Optional.empty();
    }

    private boolean holds(LogFiles.FileId id) {
        return segments.stream().anyMatch(s -> s.id.sameFile(id));
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
        progressed |= letGo(now);
        if (!segments.isEmpty()) {
            state = "following";
        }
        return progressed;
    }

    /** A new file at the name starts a new segment; the old one is read on to its end. */
    private boolean followName(long now) throws IOException {
        Optional<LogFiles.FileId> atPath = files.identify(path);
        Segment current = segments.isEmpty() ? null : segments.getLast();
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
            fresh = Segment.open(files, path, atPath.get(), 0, maxEventBytes, intake, moved, now);
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
        if (segments.size() > MAX_SEGMENTS) {
            Segment oldest = segments.removeFirst();
            LOG.warn(
                    "intake: {}: more than {} rotated files are being read at once; letting go of {} at byte {} of {}",
                    source,
                    MAX_SEGMENTS,
                    oldest,
                    oldest.readTo(),
                    oldest.size());
            oldest.close();
        }
        moved.run();
        return true;
    }

    /**
     * Closes files that are done: read to their end with every event handled, and either deleted or
     * (for a rotated one) quiet for {@link #DRAIN_QUIET} while the file at the name has data.
     */
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // segments is a CopyOnWriteArrayList
    private boolean letGo(long now) throws IOException {
        boolean any = false;
        Segment newest = segments.isEmpty() ? null : segments.getLast();
        for (Segment s : segments) {
            if (s.leftItsNameAt == 0 || !s.atEnd() || !s.settled()) {
                continue;
            }
            boolean deleted = s.links() == 0;
            boolean quiet = s != newest && newest.readTo() > 0 && now - s.lastGrowth >= DRAIN_QUIET.toNanos();
            if (deleted || quiet) {
                segments.remove(s);
                s.close();
                any = true;
                LOG.info(
                        "intake: {}: done with {} ({}) after {} bytes",
                        source,
                        s,
                        deleted ? "deleted" : "rotated",
                        s.readTo());
                if (segments.isEmpty()) {
                    state = "waiting for the file to exist";
                }
            }
        }
        if (any) {
            moved.run();
        }
        return any;
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
        Segment current = segments.isEmpty() ? null : segments.getLast();
        long lag = 0;
        for (Segment s : segments) {
            lag += Math.max(0, s.size() - s.readTo());
        }
        return new SourceStatus(
                source,
                config.format().label(),
                current == null ? "" : current.toString(),
                current == null ? 0 : current.readTo(),
                current == null ? 0 : current.handled(),
                lag,
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
        for (Segment s : segments) {
            s.close();
        }
    }
}
