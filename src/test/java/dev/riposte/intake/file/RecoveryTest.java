package dev.riposte.intake.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.os.LibC;
import dev.riposte.event.FormatChoice;
import dev.riposte.intake.StreamIntake;
import dev.riposte.match.ReactionIndex;
import dev.riposte.stats.Metrics;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where reading begins, on real files in a temporary directory: the marks a stopped daemon saved, found
 * again after what happened to the files meanwhile, or {@code start} without marks. Nothing is read here,
 * so the dispatcher behind the intake never sees an event.
 */
class RecoveryTest {
    /** 40 lines of 10 bytes: 400 bytes, more than the 256 that identify a file. */
    static final String LINES = "{\"n\":100}\n".repeat(40);

    @TempDir
    Path dir;

    Path log;
    Dispatcher dispatcher;
    final LocalLogFiles files = new LocalLogFiles(LibC.system());
    final List<Segment> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        log = dir.resolve("events.log");
        dispatcher = new Dispatcher(
                new RiposteConfig.Dispatch(
                        100, 64L << 20, RiposteConfig.Overflow.BACKPRESSURE, 1, Duration.ofSeconds(60)),
                (r, e) -> new RunResult(new Outcome.Ok(), List.of(), 0),
                List.of(),
                new Metrics(),
                Clock.systemUTC());
        dispatcher.setReactions(new ReactionIndex(List.of()));
    }

    @AfterEach
    void tearDown() {
        opened.forEach(Segment::close);
        dispatcher.close();
    }

    Recovery.Begun begin(RiposteConfig.Start start, List<Mark> marks) throws IOException {
        StreamIntake intake = new StreamIntake(log.toString(), FormatChoice.AUTO, dispatcher, new Metrics());
        SegmentOpener opener = new SegmentOpener(files, 1 << 20, intake, () -> {});
        Recovery.Begun begun = new Recovery(
                        new RiposteConfig.FollowedFile(log, FormatChoice.AUTO, start), files, opener)
                .begin(marks, System.nanoTime());
        opened.addAll(begun.segments());
        return begun;
    }

    /** The mark a daemon reading {@code log} up to {@code offset} would have saved. */
    Mark markAt(long offset) throws IOException {
        Mark whole = begin(RiposteConfig.Start.BEGINNING, List.of())
                .segments()
                .getFirst()
                .mark();
        return new Mark(whole.device(), whole.inode(), offset, whole.headLength(), whole.headCrc(), List.of());
    }

    static List<String> files(Recovery.Begun begun) {
        return begun.segments().stream()
                .map(s -> s.openedAs.getFileName() + "@" + s.readTo())
                .toList();
    }

    @Test
    void withoutMarks_startEndBeginsAtTheFilesEnd_startBeginningAtZero_aMissingFileWithNothing() throws Exception {
        assertEquals(List.of(), files(begin(RiposteConfig.Start.END, List.of())));
        Files.writeString(log, LINES);
        assertEquals(List.of("events.log@400"), files(begin(RiposteConfig.Start.END, List.of())));
        assertEquals(List.of("events.log@0"), files(begin(RiposteConfig.Start.BEGINNING, List.of())));
    }

    @Test
    void aMarkOfTheFileAtThePath_resumesAtItsOffset_whateverStartSays() throws Exception {
        Files.writeString(log, LINES);
        Mark mark = markAt(120);
        Recovery.Begun begun = begin(RiposteConfig.Start.END, List.of(mark));
        assertEquals(List.of("events.log@120"), files(begun));
        assertEquals(0, begun.rotations());
        assertEquals(0, begun.truncations());
    }

    @Test
    void aFileRotatedWhileStopped_isResumedBesideThePath_thenTheNewFileIsReadFromItsStart() throws Exception {
        Files.writeString(log, LINES);
        Mark mark = markAt(120);
        Files.move(log, dir.resolve("events.log.1"));
        Files.writeString(log, "{\"n\":2}\n");
        Recovery.Begun begun = begin(RiposteConfig.Start.END, List.of(mark));
        assertEquals(List.of("events.log.1@120", "events.log@0"), files(begun));
        assertEquals(1, begun.rotations());
    }

    @Test
    void filesRotatedAfterTheMarkedOne_areReadFromTheirStart_oldestFirst() throws Exception {
        Files.writeString(log, LINES);
        Mark mark = markAt(400);
        Files.move(log, dir.resolve("events.log.2"));
        Files.writeString(log, "{\"n\":2}\n");
        Files.setLastModifiedTime(log, Files.getLastModifiedTime(dir.resolve("events.log.2")));
        Files.move(log, dir.resolve("events.log.1"));
        Files.writeString(log, "{\"n\":3}\n");
        Recovery.Begun begun = begin(RiposteConfig.Start.END, List.of(mark));
        assertEquals(List.of("events.log.2@400", "events.log.1@0", "events.log@0"), files(begun));
        assertEquals(2, begun.rotations());
    }

    @Test
    void aFileTruncatedWhileStopped_isReadFromItsStart_andCounted() throws Exception {
        Files.writeString(log, LINES);
        Mark mark = markAt(400);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
            channel.truncate(300);
        }
        Recovery.Begun begun = begin(RiposteConfig.Start.END, List.of(mark));
        assertEquals(List.of("events.log@0"), files(begun));
        assertEquals(1, begun.truncations());
    }

    @Test
    void theMarkedInodeWithOtherFirstBytes_isNotTakenForTheMarkedFile_andIsReadFromItsStart() throws Exception {
        Files.writeString(log, LINES);
        Mark mark = markAt(120);
        Files.write(log, LINES.replace("100", "200").getBytes(StandardCharsets.UTF_8)); // same inode, new bytes
        Recovery.Begun begun = begin(RiposteConfig.Start.END, List.of(mark));
        assertEquals(List.of("events.log@0"), files(begun));
        assertEquals(0, begun.truncations());
    }

    @Test
    void aMarkedFileDeletedWhileStopped_isLetGo_andTheFileAtThePathIsReadFromItsStart() throws Exception {
        Files.writeString(log, LINES);
        Mark mark = markAt(120);
        Files.delete(log);
        Files.writeString(log, "{\"n\":2}\n");
        assertEquals(List.of("events.log@0"), files(begin(RiposteConfig.Start.END, List.of(mark))));
    }

    @Test
    void theMarkOfASourceThatWaitedForItsFile_readsTheFileThatAppearedFromItsStart() throws Exception {
        Files.writeString(log, LINES);
        assertEquals(List.of("events.log@0"), files(begin(RiposteConfig.Start.END, List.of(Segments.WAITING))));
    }
}
