package dev.riposte.intake.file;

import dev.riposte.intake.StreamIntake;
import dev.riposte.intake.ValueSplitter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * One file of a source being read: its descriptor, how far it has been read, and how far its events
 * have been handled. A source has one for the file at its path, plus one for each rotated file it is
 * still reading to its end. Used by its source's reader thread; {@link #mark} from any thread.
 */
final class Segment implements AutoCloseable {
    /** Bytes of the file's start that identify it beside its device and inode. */
    static final int HEAD_BYTES = 256;

    static final int CHUNK = 64 * 1024;
    /** Chunks read in one call, so that a long backlog still lets its reader look at names and stop requests. */
    static final int CHUNKS_PER_READ = 64;
    /** Where reads land, one per segment, so that following a file allocates nothing per read. */
    private final byte[] buffer = new byte[CHUNK];

    private final LogFiles.OpenLog file;
    final LogFiles.FileId id;
    /** The name it was opened by (it may have been renamed since). */
    final Path openedAs;

    private final ValueSplitter splitter;
    private final ValueSplitter.Sink sink;
    private final Runnable moved;
    private volatile Watermark watermark;
    private final java.util.Set<Long> skip = new java.util.HashSet<>();
    private volatile long readTo;
    private volatile long size;
    private volatile byte[] head = new byte[0];
    /** The last read found the end of the file. */
    private boolean atEnd;
    /** When the file last grew (System.nanoTime()). */
    long lastGrowth;
    /** The name no longer leads to this file (renamed or deleted), since this nanoTime; 0 while it does. */
    long leftItsNameAt;

    private Segment(
            LogFiles.OpenLog file,
            LogFiles.FileId id,
            Path openedAs,
            long offset,
            int maxEventBytes,
            StreamIntake intake,
            Runnable moved,
            long now) {
        this.file = file;
        this.id = id;
        this.openedAs = openedAs;
        this.moved = moved;
        this.splitter = new ValueSplitter(maxEventBytes);
        this.splitter.restart(offset);
        this.watermark = new Watermark(offset, moved);
        this.readTo = offset;
        this.size = id.size();
        this.lastGrowth = now;
        this.sink = intake.sink(end -> {
            Runnable handled = watermark.add(end);
            if (!skip.isEmpty() && skip.remove(end)) {
                handled.run();
                return null;
            }
            return handled;
        });
    }

    /**
     * Opens {@code path} to be read from {@code offset} (0 when the file is shorter: it was truncated).
     * {@code path}'s file must still be {@code expected} when that is given (it may have changed meanwhile).
     */
    static Segment open(
            LogFiles files,
            Path path,
            LogFiles.@Nullable FileId expected,
            long offset,
            int maxEventBytes,
            StreamIntake intake,
            Runnable moved,
            long now)
            throws IOException {
        LogFiles.OpenLog file = files.open(path);
        try {
            LogFiles.FileId id = file.id();
            if (expected != null && !expected.sameFile(id)) {
                throw new java.nio.file.NoSuchFileException(path.toString(), null, "it changed while being opened");
            }
            Segment s = new Segment(file, id, path, offset > id.size() ? 0 : offset, maxEventBytes, intake, moved, now);
            s.readHead();
            return s;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Called before the first read when reading starts at the file's end (no saved position): if that is
     * inside a line, a value may be half written there, and reading resumes at the next line that starts one.
     */
    void startAtEnd() throws IOException {
        if (readTo == 0) {
            return;
        }
        byte[] last = new byte[1];
        if (file.read(readTo - 1, last, 0, 1) == 1 && last[0] != '\n') {
            splitter.restartInside(readTo);
        }
    }

    /** Whether the file's first bytes are the ones a mark saw (so a reused inode is not taken for it). */
    boolean headMatches(Mark mark) throws IOException {
        if (head.length < mark.headLength()) {
            return false;
        }
        return crc(Arrays.copyOf(head, mark.headLength())) == mark.headCrc();
    }

    /**
     * Reads what the file has past {@link #readTo} (up to {@link #CHUNKS_PER_READ} chunks) and hands its
     * values on (a full queue holds this here). A file now shorter than what was read has been
     * truncated: it is read again from 0.
     *
     * @return what happened: whether anything was read, and whether the file was truncated
     */
    @SuppressWarnings("NonAtomicVolatileUpdate") // one reader thread writes readTo and size; others only read them
    Read readAvailable(long now) throws IOException {
        LogFiles.FileId at = file.id();
        boolean truncated = at.size() < readTo;
        if (truncated) {
            skip.clear();
            splitter.restart(0);
            watermark = new Watermark(0, moved);
            readTo = 0;
            head = new byte[0];
            moved.run();
        }
        size = at.size();
        boolean any = false;
        atEnd = false;
        for (int chunks = 0; chunks < CHUNKS_PER_READ; chunks++) {
            int n = file.read(readTo, buffer, 0, buffer.length);
            if (n <= 0) {
                atEnd = true;
                break;
            }
            any = true;
            splitter.feed(buffer, 0, n, sink);
            readTo += n;
            size = Math.max(size, readTo);
        }
        watermark.passed(splitter.resumeFrom());
        if (any) {
            lastGrowth = now;
            if (head.length < HEAD_BYTES) {
                readHead();
            }
        }
        return new Read(any, truncated);
    }

    record Read(boolean any, boolean truncated) {}

    private void readHead() throws IOException {
        byte[] first = new byte[HEAD_BYTES];
        int got = 0;
        int n;
        while (got < HEAD_BYTES && (n = file.read(got, first, got, HEAD_BYTES - got)) > 0) {
            got += n;
        }
        head = Arrays.copyOf(first, got);
    }

    /** Whether the last read found the end of the file (nothing more to read for now). */
    boolean atEnd() {
        return atEnd;
    }

    long links() throws IOException {
        return file.links();
    }

    /** Bytes read so far. */
    long readTo() {
        return readTo;
    }

    /** The file's size when it was last looked at. */
    long size() {
        return size;
    }

    /** Offset up to which every event of the file has been handled. */
    long handled() {
        return watermark.handled();
    }

    /** Whether every event read has been handled. */
    boolean settled() {
        return watermark.pending() == 0;
    }

    Mark mark() {
        byte[] h = head;
        Watermark w = watermark;
        return new Mark(id.device(), id.inode(), w.handled(), h.length, crc(h), w.handledPast(Mark.MAX_HANDLED_PAST));
    }

    /** Values ending at these offsets were handled before a restart: they are read but not run again. */
    void skip(List<Long> ends) {
        skip.addAll(ends);
    }

    private static long crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return openedAs + " (" + id + ")";
    }
}
