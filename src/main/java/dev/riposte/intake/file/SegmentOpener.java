package dev.riposte.intake.file;

import dev.riposte.intake.StreamIntake;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Opens the files of one source as {@link Segment}s: what every segment of a source shares (where files
 * are read from, the largest event, the intake that takes its events, what to call when its marks move).
 */
record SegmentOpener(LogFiles files, int maxEventBytes, StreamIntake intake, Runnable moved) {

    /** {@link Segment#open}: {@code path} read from {@code offset}, still {@code expected} if that is given. */
    Segment open(Path path, LogFiles.@Nullable FileId expected, long offset, long now) throws IOException {
        return Segment.open(files, path, expected, offset, maxEventBytes, intake, moved, now);
    }
}
