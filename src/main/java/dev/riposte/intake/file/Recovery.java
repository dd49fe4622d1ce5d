package dev.riposte.intake.file;

import dev.riposte.config.RiposteConfig;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a source's reading begins when it starts. With saved marks: each file they name, found again
 * by device, inode and first bytes at the path or rotated beside it, from where its events were all
 * handled; then the files rotated after the newest of them while riposte was stopped, from their start;
 * then the file at the path, if it is new. Without: the file at the path, from its end or its start as
 * {@code start} says, or nothing while it does not exist.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** What reading begins with: the files to read, oldest first, and what was found to have happened. */
    record Begun(List<Segment> segments, int rotations, int truncations) {}

    private record Located(Segment segment, LogFiles.FileId id) {}

    private final RiposteConfig.FollowedFile config;
    private final Path path;
    private final String source;
    private final LogFiles files;
    private final SegmentOpener opener;

    Recovery(RiposteConfig.FollowedFile config, LogFiles files, SegmentOpener opener) {
        this.config = config;
        this.path = config.path();
        this.source = config.path().toString();
        this.files = files;
        this.opener = opener;
    }

    /** Begins from {@code marks}, or by {@code start} when there are none. */
    Begun begin(List<Mark> marks, long now) throws IOException {
        return marks.isEmpty() ? fresh(now) : resume(marks, now);
    }

    /** No saved position: the file's end ({@code start: end}) or its start; a missing file is waited for. */
    private Begun fresh(long now) throws IOException {
        Optional<LogFiles.FileId> at = files.identify(path);
        if (at.isEmpty()) {
            LOG.info("intake: {} does not exist yet; riposte reads it from its start once it does", source);
            return new Begun(List.of(), 0, 0);
        }
        long offset = config.start() == RiposteConfig.Start.END ? at.get().size() : 0;
        Segment s = opener.open(path, null, offset, now);
        s.startAtEnd();
        LOG.info(
                "intake: following {} ({}) from byte {} (start: {}, format: {})",
                source,
                s.id,
                s.readTo(),
                config.start().name().toLowerCase(Locale.ROOT),
                config.format().label());
        return new Begun(List.of(s), 0, 0);
    }

    /** A failure part way closes the files opened so far: the next try begins again from the marks. */
    private Begun resume(List<Mark> marks, long now) throws IOException {
        List<Segment> segments = new ArrayList<>();
        try {
            return resume(marks, segments, now);
        } catch (IOException | RuntimeException e) {
            segments.forEach(Segment::close);
            throw e;
        }
    }

    private Begun resume(List<Mark> marks, List<Segment> segments, long now) throws IOException {
        int rotations = 0;
        int truncations = 0;
        Located newest = null;
        for (Mark mark : marks) {
            if (mark.inode() == 0) {
                continue;
            }
            Optional<Located> found = locate(mark, now);
            if (found.isEmpty()) {
                LOG.warn(
                        "intake: {}: the file it was reading ({}, {} bytes handled) is no longer beside it (compressed "
                                + "or deleted while riposte was stopped): its events after that byte are not read",
                        source,
                        new LogFiles.FileId(mark.device(), mark.inode(), 0, FileTime.fromMillis(0)),
                        mark.offset());
                continue;
            }
            Segment s = found.get().segment();
            if (s.readTo() < mark.offset()) {
                truncations++;
                LOG.warn(
                        "intake: {}: {} was truncated while riposte was stopped; reading it from its start", source, s);
            } else {
                s.skip(mark.handledPast());
            }
            segments.add(s);
            newest = found.get();
            LOG.info("intake: {}: resuming {} at byte {}", source, s, s.readTo());
        }
        Optional<LogFiles.FileId> atPath = files.identify(path);
        if (newest != null && !newest.segment().id.sameFile(atPath.orElse(null))) {
            // Rotated while riposte was stopped: the files rotated after it hold events it has not read. They
            // were last written at or after it (file times are coarse: two writes a few ms apart can tie).
            List<LogFiles.Rotated> later = new ArrayList<>();
            for (LogFiles.Rotated r : files.rotatedBeside(path)) {
                if (r.id().modified().compareTo(newest.id().modified()) >= 0 && !holds(segments, r.id())) {
                    later.add(r);
                }
            }
            later.sort(Comparator.comparing(r -> r.id().modified()));
            for (LogFiles.Rotated r : later) {
                Segment s = opener.open(r.path(), r.id(), 0, now);
                segments.add(s);
                rotations++;
                LOG.info("intake: {}: reading {}, rotated while riposte was stopped, from its start", source, s);
            }
        }
        if (atPath.isPresent() && !holds(segments, atPath.get())) {
            try {
                Segment s = opener.open(path, atPath.get(), 0, now);
                segments.add(s);
                if (newest != null) {
                    rotations++;
                }
                LOG.info("intake: {}: reading {}, new since riposte last read it, from its start", source, s);
            } catch (NoSuchFileException e) {
                // renamed again meanwhile: the next pass finds what is there now
            }
        }
        return new Begun(segments, rotations, truncations);
    }

    /** The file with the mark's device, inode and first bytes: at the path, or rotated beside it. */
    private Optional<Located> locate(Mark mark, long now) throws IOException {
        List<LogFiles.Rotated> candidates = new ArrayList<>();
        files.identify(path).ifPresent(id -> candidates.add(new LogFiles.Rotated(path, id)));
        candidates.addAll(files.rotatedBeside(path));
        for (LogFiles.Rotated c : candidates) {
            if (c.id().device() != mark.device() || c.id().inode() != mark.inode()) {
                continue;
            }
            Segment s;
            try {
                s = opener.open(c.path(), c.id(), mark.offset(), now);
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

    private static boolean holds(List<Segment> segments, LogFiles.FileId id) {
        return segments.stream().anyMatch(s -> s.id.sameFile(id));
    }
}
