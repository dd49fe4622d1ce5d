package dev.riposte.intake.file;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * How far into one file every event has been handled. Values are added in file order as they are read;
 * they are handled in any order (several workers); the mark is the end of the longest handled prefix,
 * and {@link #handledPast} lists the values handled beyond it, so that a restart from the mark, skipping
 * those, runs again exactly the events whose runs had not all ended. Thread-safe.
 */
final class Watermark {
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private final Runnable moved;
    private long handled;

    private static final class Entry {
        final long end;
        final boolean value;
        boolean done;

        Entry(long end, boolean value) {
            this.end = end;
            this.value = value;
        }
    }

    /** Starts at {@code offset}; {@code moved} runs (outside the lock) each time the mark or what is handled past it changes. */
    Watermark(long offset, Runnable moved) {
        this.handled = offset;
        this.moved = moved;
    }

    /** A value ending at {@code end} was read; the result marks it handled (once). */
    Runnable add(long end) {
        Entry entry = new Entry(end, true);
        synchronized (this) {
            pending.addLast(entry);
        }
        return () -> done(entry);
    }

    /** Everything up to {@code offset} that is not a value (white space, garbage) has been read. */
    void passed(long offset) {
        boolean movedNow;
        synchronized (this) {
            if (pending.isEmpty()) {
                movedNow = offset > handled;
                handled = Math.max(handled, offset);
            } else {
                Entry tail = pending.peekLast();
                if (offset > tail.end) {
                    Entry gap = new Entry(offset, false);
                    gap.done = true;
                    pending.addLast(gap);
                }
                movedNow = false;
            }
        }
        if (movedNow) {
            moved.run();
        }
    }

    /** Marks a value handled; either the mark moves or the value joins those handled past it: saved either way. */
    private void done(Entry entry) {
        synchronized (this) {
            entry.done = true;
            while (!pending.isEmpty() && pending.peekFirst().done) {
                handled = pending.removeFirst().end;
            }
        }
        moved.run();
    }

    /** The offset up to which everything read has been handled. */
    synchronized long handled() {
        return handled;
    }

    /**
     * The ends of values past the mark that have been handled already (a restart skips them), at most
     * {@code max}, in file order. Beyond {@code max}, such values would run again after a crash.
     */
    synchronized List<Long> handledPast(int max) {
        List<Long> out = new ArrayList<>();
        for (Entry e : pending) {
            if (out.size() == max) {
                break;
            }
            if (e.value && e.done) {
                out.add(e.end);
            }
        }
        return out;
    }

    /** Values read and not yet handled. */
    synchronized int pending() {
        int n = 0;
        for (Entry e : pending) {
            if (!e.done) {
                n++;
            }
        }
        return n;
    }
}
