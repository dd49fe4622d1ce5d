package dev.riposte.intake;

import java.util.Arrays;

/**
 * Splits a stream of bytes into top-level JSON objects, however they are laid out: one per line,
 * pretty-printed over many lines, or concatenated. It frames without parsing (strings, escapes and
 * nesting are followed, nothing is decoded), so a value is whole when its braces close; the caller
 * parses it. Offsets count bytes from where the stream was started ({@link #restart}).
 *
 * <p>Garbage is anything else: bytes between values that are not white space (a log line, a top-level
 * array), a value longer than the limit, and an unfinished value. After garbage the splitter resumes at
 * the next <em>an opening brace at the start of a line</em>: every producer riposte reads (jq, Jibril, Falco,
 * Tetragon, one value per line) starts each top-level value there and no nested one, and a JSON string
 * cannot hold a raw newline, so such a brace always begins a value. For the same reason it also ends a
 * value left unfinished before it (a writer that died mid-line), which is reported as garbage. Each
 * garbage run is reported once, with its first line (at most {@link #QUOTED_BYTES}) when that is read.
 * Not thread-safe: one per stream.
 */
public final class ValueSplitter {
    /** Bytes of garbage quoted in its report. */
    public static final int QUOTED_BYTES = 120;

    /** Receives what the splitter finds, in stream order. */
    public interface Sink {
        /** A whole value: {@code length} bytes of {@code bytes} from 0, spanning [start, end) of the stream. */
        void value(byte[] bytes, int length, long start, long end);

        /** Garbage starting at {@code start}; {@code quoted} is its first bytes (at most {@link #QUOTED_BYTES}). */
        void garbage(long start, String reason, byte[] quoted);
    }

    /** QUOTING: garbage was found between values; its first line is being collected for the report. */
    private enum State {
        BETWEEN,
        VALUE,
        QUOTING,
        SKIPPING
    }

    private final int maxValueBytes;
    private State state = State.BETWEEN;
    private byte[] value = new byte[4096];
    private int length;
    private long valueStart;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private byte previous = '\n';
    private long position;
    private final byte[] quote = new byte[QUOTED_BYTES];
    private int quoted;
    private long garbageStart;

    public ValueSplitter(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    /** The offset of the next byte to be fed. */
    public long position() {
        return position;
    }

    /** Forgets everything and takes the next byte fed as the one at {@code offset}, at the start of a line. */
    public void restart(long offset) {
        state = State.BETWEEN;
        length = 0;
        depth = 0;
        inString = false;
        escaped = false;
        previous = '\n';
        position = offset;
        if (value.length > 1 << 16) {
            value = new byte[4096];
        }
    }

    /**
     * Like {@link #restart}, but {@code offset} may be inside a value being written (a reader that starts
     * at a file's end): everything up to the next brace at the start of a line is skipped unreported.
     */
    public void restartInside(long offset) {
        restart(offset);
        state = State.SKIPPING;
        previous = 0;
        garbageStart = offset;
    }

    /**
     * Where a fresh splitter must start to find the same values from here on: the start of the value
     * being read or of the garbage being skipped, else {@link #position()}.
     */
    public long resumeFrom() {
        return switch (state) {
            case BETWEEN -> position;
            case VALUE -> valueStart;
            case QUOTING, SKIPPING -> garbageStart;
        };
    }

    /** Feeds {@code count} bytes of {@code bytes} from {@code offset}. */
    public void feed(byte[] bytes, int offset, int count, Sink sink) {
        int end = offset + count;
        int i = offset;
        while (i < end) {
            if (state == State.VALUE) {
                i = scanValue(bytes, i, end, sink);
                continue;
            }
            byte b = bytes[i];
            switch (state) {
                case BETWEEN -> {
                    if (b == '{') {
                        open(b);
                    } else if (!whitespace(b)) {
                        state = State.QUOTING;
                        garbageStart = position;
                        quoted = 0;
                        quote[quoted++] = b;
                    }
                }
                case QUOTING -> {
                    if (b == '\n' || quoted == QUOTED_BYTES) {
                        reportQuoted(sink);
                    } else {
                        quote[quoted++] = b;
                    }
                }
                case SKIPPING -> {
                    if (b == '{' && previous == '\n') {
                        open(b);
                    }
                }
                case VALUE -> throw new IllegalStateException("read by scanValue");
            }
            previous = b;
            position++;
            i++;
        }
    }

    /**
     * Reads value bytes from {@code from} until the value closes, fails, or the bytes end, following
     * strings and nesting in locals (the bytes of a value are most of what is fed); copies them into the
     * value in one go. Returns the index of the first byte not read.
     */
    private int scanValue(byte[] bytes, int from, int end, Sink sink) {
        long full = (long) from + maxValueBytes - length; // the index at which the value would grow too long
        int d = depth;
        boolean str = inString;
        boolean esc = escaped;
        byte prev = previous;
        for (int j = from; j < end; j++) {
            byte b = bytes[j];
            if (b == '{' && prev == '\n') {
                consumed(bytes, from, j, prev);
                sink.garbage(
                        valueStart,
                        "an unfinished value (a new one begins at the start of a line)",
                        Arrays.copyOf(value, Math.min(length, QUOTED_BYTES)));
                open(b);
                previous = b;
                position++;
                return j + 1;
            }
            if (j == full) {
                consumed(bytes, from, j, prev);
                sink.garbage(
                        valueStart,
                        "a value longer than " + maxValueBytes + " bytes (intake.max_event_bytes)",
                        Arrays.copyOf(value, Math.min(length, QUOTED_BYTES)));
                state = State.SKIPPING;
                garbageStart = valueStart;
                length = 0;
                previous = b;
                position++;
                return j + 1;
            }
            prev = b;
            if (str) {
                if (esc) {
                    esc = false;
                } else if (b == '\\') {
                    esc = true;
                } else if (b == '"') {
                    str = false;
                }
            } else if (b == '"') {
                str = true;
            } else if (b == '{' || b == '[') {
                d++;
            } else if ((b == '}' || b == ']') && --d == 0) {
                consumed(bytes, from, j + 1, prev);
                sink.value(value, length, valueStart, position);
                state = State.BETWEEN;
                length = 0;
                return j + 1;
            }
        }
        consumed(bytes, from, end, prev);
        depth = d;
        inString = str;
        escaped = esc;
        return end;
    }

    /** Bytes [from, to) of a value were read: appended to it; {@code last} is the last of them. */
    private void consumed(byte[] bytes, int from, int to, byte last) {
        int n = to - from;
        if (length + n > value.length) {
            value = Arrays.copyOf(value, Math.max(length + n, (int)
                    Math.min((long) value.length * 2, Math.max(maxValueBytes, 1))));
        }
        System.arraycopy(bytes, from, value, length, n);
        length += n;
        position += n;
        previous = n > 0 ? last : previous;
    }

    /**
     * The stream has ended (its writer is gone): a value left open is garbage. The splitter is then
     * ready for more bytes, as after a {@link #restart} at the current position.
     */
    public void end(Sink sink) {
        if (state == State.QUOTING) {
            reportQuoted(sink);
        }
        if (state == State.VALUE) {
            sink.garbage(
                    valueStart,
                    "an unfinished value at the end of the stream",
                    Arrays.copyOf(value, Math.min(length, QUOTED_BYTES)));
        }
        restart(position);
    }

    private void open(byte brace) {
        state = State.VALUE;
        valueStart = position;
        length = 0;
        depth = 1;
        inString = false;
        escaped = false;
        append(brace);
    }

    private void append(byte b) {
        if (length == value.length) {
            value = Arrays.copyOf(value, (int) Math.min((long) value.length * 2, Math.max(maxValueBytes, 1)));
        }
        value[length++] = b;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private void reportQuoted(Sink sink) {
        sink.garbage(garbageStart, "not a JSON object", Arrays.copyOf(quote, quoted));
        state = State.SKIPPING;
    }
}
