package dev.riposte.intake.file;

import java.util.List;

/**
 * Where a restart resumes one file of a source: the file (device and inode, and a checksum of its first
 * {@code headLength} bytes, so that a reused inode is not taken for it), the offset up to which its
 * events have all been handled, and the ends of the values past it that were handled too (skipped then).
 */
record Mark(long device, long inode, long offset, int headLength, long headCrc, List<Long> handledPast) {
    /** Values handled past the offset that a mark keeps, at most; others past a slow one would run again. */
    static final int MAX_HANDLED_PAST = 1024;

    Mark {
        handledPast = List.copyOf(handledPast);
    }
}
