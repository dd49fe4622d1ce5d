package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.testing.Await;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestDaemon;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * intake.files against real files in a temporary directory, written, renamed, truncated and deleted
 * under a running daemon (in this JVM): every event runs exactly once, and the source's stats say what
 * happened. Restarts and kill -9 are in {@link FileRestartTest}.
 */
class FileIntakeTest {
    /** One run per event of every format, recording the event's uuid. */
    static final Map<String, String> RECORD_ALL =
            Map.of("all.js", "// @on *\nfunction process(data) { Info('seen'); }\n");

    @TempDir
    Path dir;

    private TestDaemon daemon(Path file, String format, String start) throws Exception {
        return new TestDaemon(dir, """
                  files:
                    - path: %s
                      format: %s
                      start: %s
                """.formatted(file, format, start), DaemonFunctionalTest.DRY_RUN, RECORD_ALL);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String pretty(Path dir, int index) throws IOException {
        return Files.readString(Samples.files(dir).get(index));
    }

    /** The uuids of the events run so far, in the order their runs ended. */
    private static List<String> uuids(TestDaemon d) {
        return d.runs().stream().map(r -> r.event().uuid()).toList();
    }

    private static void awaitRuns(TestDaemon d, int count) throws InterruptedException {
        Await.until(
                count + " runs (have " + d.runs().size() + ")",
                1000,
                10,
                () -> d.runs().size() >= count);
    }

    private static JsonNode source(TestDaemon d) throws IOException {
        JsonNode sources = d.stats().path("sources");
        assertEquals(1, sources.size(), sources.toString());
        return sources.get(0);
    }

    /**
     * Waits until the daemon has read {@code file} to its end and finished every event it read, so that an
     * event read twice would have run by now: a line that is not JSON is appended as a marker, and the wait
     * ends once the source has counted it and nothing is in flight. (Instead of waiting a while for a run
     * that must not come.)
     */
    private static void awaitSettled(TestDaemon d, Path file) throws Exception {
        long rejected = source(d).path("rejected").asLong();
        append(file, "the test's marker, not an event\n");
        Await.until("the marker read and nothing in flight", 500, 10, () -> {
            JsonNode stats = d.stats();
            return stats.path("sources").get(0).path("rejected").asLong() > rejected
                    && stats.path("events").path("queue_depth").asLong() == 0;
        });
    }

    private static void assertOncePer(List<String> expected, TestDaemon d) {
        List<String> got = new ArrayList<>(uuids(d));
        assertEquals(expected.stream().sorted().toList(), got.stream().sorted().toList(), "each event exactly once");
    }

    private static String uuidOf(String text) throws Exception {
        return new dev.riposte.event.EventParser().parse(text, 0).uuid();
    }

    @Test
    void prettyConcatenatedAndGarbage_everyEventRunsOnce_andEachBadValueIsCountedAndLogged() throws Exception {
        Path file = dir.resolve("jibril.out");
        try (TestDaemon d = daemon(file, "auto", "end")) {
            List<String> expected = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (Path sampleDir : List.of(Samples.DIR, Samples.FALCO, Samples.TETRAGON)) {
                for (Path f : Samples.files(sampleDir)) {
                    String pretty = Files.readString(f);
                    text.append(pretty).append('\n');
                    expected.add(uuidOf(pretty));
                }
            }
            text.append("Events detected: 24\n"); // Falco's exit statistics on stdout
            text.append("{\"uuid\": \"broken\", \"x\": \n"); // a writer that died mid-value
            String a = Samples.line("01")
                    .replace("fc76e4b9-eefa-45a7-adb7-9e86509665e4", "0a000000-0000-4000-8000-000000000001");
            String b = Samples.line("02").replace("\"uuid\":\"", "\"uuid\":\"0b-");
            text.append(a).append(b).append('\n'); // two values on one line
            text.append("{\"uuid\":\"dup\",\"uuid\":\"dup\"}\n"); // JSON, but not an event riposte accepts
            expected.add(uuidOf(a));
            expected.add(uuidOf(b));
            append(file, text.toString());
            awaitRuns(d, expected.size());
            assertOncePer(expected, d);
            JsonNode s = source(d);
            assertEquals(expected.size(), s.path("events").asLong());
            assertEquals(3, s.path("rejected").asLong(), s.toString());
            assertEquals(0, s.path("refused_other_format").asLong());
            assertEquals(file.toString(), s.path("source").asText());
            long size = Files.size(file);
            awaitSource(d, "handled to the end", src -> src.path("handled").asLong() == size);
            assertEquals(size, source(d).path("position").asLong());
            assertEquals(0, source(d).path("lag_bytes").asLong());
            assertEquals("following", source(d).path("state").asText());
        }
    }

    @Test
    void startEnd_skipsWhatWasThereBefore_startBeginning_readsIt() throws Exception {
        Path file = dir.resolve("events.json");
        append(file, Samples.line("01") + "\n");
        try (TestDaemon d = daemon(file, "jibril", "end")) {
            awaitFollowing(d);
            append(file, Samples.line("02") + "\n");
            awaitRuns(d, 1);
            awaitSettled(d, file);
            assertEquals(List.of(uuidOf(Samples.line("02"))), uuids(d));
        }
        Path other = dir.resolve("other.json");
        append(other, Samples.line("03") + "\n");
        try (TestDaemon d = daemon(other, "jibril", "beginning")) {
            awaitRuns(d, 1);
            assertEquals(List.of(uuidOf(Samples.line("03"))), uuids(d));
        }
    }

    @Test
    void aMissingFile_isWaitedFor_andReadFromItsStart() throws Exception {
        Path file = dir.resolve("later/jibril.out");
        try (TestDaemon d = daemon(file, "auto", "end")) {
            assertEquals(
                    "waiting for the file to exist", source(d).path("state").asText());
            Files.createDirectories(file.getParent());
            append(file, pretty(Samples.DIR, 0));
            awaitRuns(d, 1);
            assertEquals(List.of("fc76e4b9-eefa-45a7-adb7-9e86509665e4"), uuids(d));
        }
    }

    @Test
    void renameRotation_readsTheOldFileToItsEnd_lateWritesIncluded_thenTheNewOne() throws Exception {
        Path file = dir.resolve("tetragon.log");
        append(file, "");
        List<String> lines = Samples.lines(Samples.TETRAGON);
        try (TestDaemon d = daemon(file, "tetragon", "end")) {
            awaitFollowing(d);
            append(file, lines.get(0) + "\n");
            awaitRuns(d, 1);
            Path rotated = dir.resolve("tetragon.log.1");
            Files.move(file, rotated); // logrotate's default: rename, then create
            append(rotated, lines.get(1) + "\n"); // the writer still has the old file open
            append(file, lines.get(2) + "\n"); // ... and then moves to the new one
            append(rotated, lines.get(3) + "\n"); // a late write to the old file
            append(file, lines.get(4) + "\n");
            awaitRuns(d, 5);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add(uuidOf(lines.get(i)));
            }
            awaitSettled(d, file);
            assertOncePer(expected, d);
            JsonNode s = source(d);
            assertEquals(1, s.path("rotations").asLong());
            assertTrue(s.path("file").asText().startsWith(file + " (dev "), s.toString());
        }
    }

    @Test
    void copyTruncate_restartsAtZero() throws Exception {
        Path file = dir.resolve("falco.json");
        append(file, "");
        List<String> lines = Samples.lines(Samples.FALCO);
        try (TestDaemon d = daemon(file, "falco", "end")) {
            awaitFollowing(d);
            append(file, lines.get(0) + "\n" + lines.get(1) + "\n");
            awaitRuns(d, 2);
            Files.copy(file, dir.resolve("falco.json.1"), StandardCopyOption.REPLACE_EXISTING);
            Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING); // copytruncate
            awaitSource(d, "the truncation seen", src -> src.path("truncations").asLong() == 1);
            append(file, lines.get(2) + "\n");
            awaitRuns(d, 3);
            awaitSettled(d, file);
            assertOncePer(List.of(uuidOf(lines.get(0)), uuidOf(lines.get(1)), uuidOf(lines.get(2))), d);
            assertEquals(0, source(d).path("rotations").asLong(), "the copy has the inode of no file read");
        }
    }

    @Test
    void aDeletedFile_isNoticed_andANewOneReadFromItsStart() throws Exception {
        Path file = dir.resolve("jibril.out");
        append(file, "");
        try (TestDaemon d = daemon(file, "jibril", "end")) {
            awaitFollowing(d);
            append(file, Samples.line("01") + "\n");
            awaitRuns(d, 1);
            Files.delete(file);
            awaitSource(
                    d,
                    "the deletion noticed",
                    src -> src.path("state").asText().equals("waiting for the file to exist"));
            append(file, Samples.line("02") + "\n");
            awaitRuns(d, 2);
            assertOncePer(List.of(uuidOf(Samples.line("01")), uuidOf(Samples.line("02"))), d);
        }
    }

    @Test
    void anExplicitFormat_refusesTheOthers_countingThem() throws Exception {
        Path file = dir.resolve("falco.json");
        append(file, "");
        try (TestDaemon d = daemon(file, "falco", "end")) {
            awaitFollowing(d);
            append(
                    file,
                    Samples.line("01") + "\n" + Samples.lines(Samples.TETRAGON).get(0) + "\n"
                            + Samples.lines(Samples.FALCO).get(0) + "\n");
            awaitRuns(d, 1);
            awaitSource(
                    d, "two refused", src -> src.path("refused_other_format").asLong() == 2);
            assertEquals(List.of(uuidOf(Samples.lines(Samples.FALCO).get(0))), uuids(d));
            assertEquals(0, source(d).path("rejected").asLong());
            assertEquals("falco", source(d).path("format").asText());
        }
    }

    private static void awaitFollowing(TestDaemon d) throws InterruptedException {
        awaitSource(d, "following", src -> src.path("state").asText().equals("following"));
    }

    /** Waits (up to 5 s) until the one source's stats pass {@code test}. */
    private static void awaitSource(TestDaemon d, String what, java.util.function.Predicate<JsonNode> test)
            throws InterruptedException {
        Await.until(what, 500, 10, () -> {
            return test.test(source(d));
        });
    }
}
