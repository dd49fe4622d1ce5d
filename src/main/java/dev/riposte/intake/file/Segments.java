package dev.riposte.intake.file;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files one source is reading, oldest first: rotated ones it reads to their end, then the file at
 * its path. Changed by the source's reader thread only; {@link #marks} and iteration from any thread.
 */
final class Segments implements Iterable<Segment> {
    /** Rotated files read at once, at most; beyond it the oldest is let go (said in the log). */
    static final int MAX_SEGMENTS = 8;

    static final Duration DRAIN_QUIET = Duration.ofSeconds(10);

    /** The mark of a source that waits for its file: whatever file appears at the path is new, read from 0. */
    static final Mark WAITING = new Mark(0, 0, 0, 0, 0, List.of());

    private static final Logger LOG = LoggerFactory.getLogger(Segments.class);

    private final String source;
    private final List<Segment> list = new CopyOnWriteArrayList<>();

    Segments(String source) {
        this.source = source;
    }

    @Override
    public Iterator<Segment> iterator() {
        return list.iterator();
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    /** The newest: the file at the path, or the last one that was; null when there is none. */
    @Nullable
    Segment current() {
        return list.isEmpty() ? null : list.getLast();
    }

    boolean holds(LogFiles.FileId id) {
        return list.stream().anyMatch(s -> s.id.sameFile(id));
    }

    /** Adds what reading begins with ({@link Recovery}). */
    void addAll(List<Segment> segments) {
        list.addAll(segments);
    }

    /** Adds the new file at the path; past {@link #MAX_SEGMENTS}, the oldest is let go, said in the log. */
    void add(Segment fresh) {
        list.add(fresh);
        if (list.size() > MAX_SEGMENTS) {
            Segment oldest = list.removeFirst();
            LOG.warn(
                    "intake: {}: more than {} rotated files are being read at once; letting go of {} at byte {} of {}",
                    source,
                    MAX_SEGMENTS,
                    oldest,
                    oldest.readTo(),
                    oldest.size());
            oldest.close();
        }
    }

    /** The marks to save: every file being read, oldest first; {@link #WAITING} when there is none. */
    List<Mark> marks() {
        List<Mark> out = new ArrayList<>();
        for (Segment s : list) {
            out.add(s.mark());
        }
        return out.isEmpty() ? List.of(WAITING) : out;
    }

    /** Bytes written to the files and not read yet. */
    long lag() {
        long lag = 0;
        for (Segment s : list) {
            lag += Math.max(0, s.size() - s.readTo());
        }
        return lag;
    }

    /**
     * Closes files that are done: read to their end with every event handled, and either deleted or
     * (for a rotated one) quiet for {@link #DRAIN_QUIET} while the file at the name has data. Returns
     * whether any was.
     */
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // list is a CopyOnWriteArrayList
    boolean letGo(long now) throws IOException {
        boolean any = false;
        Segment newest = current();
        for (Segment s : list) {
            if (s.leftItsNameAt == 0 || !s.atEnd() || !s.settled()) {
                continue;
            }
            boolean deleted = s.links() == 0;
            boolean quiet =
                    newest != null && s != newest && newest.readTo() > 0 && now - s.lastGrowth >= DRAIN_QUIET.toNanos();
            if (deleted || quiet) {
                list.remove(s);
                s.close();
                any = true;
                LOG.info(
                        "intake: {}: done with {} ({}) after {} bytes",
                        source,
                        s,
                        deleted ? "deleted" : "rotated",
                        s.readTo());
            }
        }
        return any;
    }

    void closeAll() {
        for (Segment s : list) {
            s.close();
        }
    }
}
