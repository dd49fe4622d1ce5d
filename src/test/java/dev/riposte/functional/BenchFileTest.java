package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tool's file mode against a real daemon: the events are appended to the followed file and
 * all run, and the line it prints measures from the moment each was written. Figures are not checked
 * here (docs/benchmarks.md has them); what is checked is that the tool counts and reports them.
 */
class BenchFileTest {
    @TempDir
    Path dir;

    @Test
    void fileMode_appendsEveryEventToTheFollowedFile_andReportsWriteToDone_andRefusesAFileNotFollowed()
            throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("all.js"), "// @on *\nfunction process(data) { Info(uuid); }\n");
        Path file = dir.resolve("events.ndjson");
        Path config = DaemonProcess.writeConfig(
                dir, reactions, dir.resolve("state.db"), file, "netpolicy: {backend: dry-run}\n");
        try (DaemonProcess daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
            for (Path samples :
                    new Path[] {Samples.DIR.resolve("samples.ndjson"), Samples.TETRAGON.resolve("samples.ndjson")}) {
                DaemonProcess.Cli run = DaemonProcess.cli(
                        "bench",
                        "--config",
                        config.toString(),
                        "--file",
                        file.toString(),
                        "--events",
                        samples.toString(),
                        "--count",
                        "24",
                        "--rate",
                        "200");
                assertEquals(0, run.status(), run.output());
                String last = run.output().strip().lines().reduce((a, b) -> b).orElseThrow();
                JsonNode line = new ObjectMapper().readTree(last);
                assertEquals("file", line.path("via").asText());
                assertEquals(24, line.path("count").asLong());
                assertEquals(200, line.path("rate").asLong());
                assertTrue(line.path("write_to_done_us").path("p50").asLong() > 0, last);
                assertTrue(line.path("write_to_done_us").path("max").asLong() < 60_000_000L, last);
            }
            JsonNode source = daemon.stats().path("sources").path(0);
            assertEquals(48, source.path("events").asLong(), source.toString());
            assertEquals(0, source.path("rejected").asLong(), source.toString());
            assertEquals(48, Files.readAllLines(file).size(), "one line per event");
            assertEquals(
                    48,
                    daemon.stats().path("runs").path("ok").asLong(),
                    "a distinct uuid for each, derived ones included");

            DaemonProcess.Cli refused = DaemonProcess.cli(
                    "bench",
                    "--config",
                    config.toString(),
                    "--file",
                    dir.resolve("other.ndjson").toString(),
                    "--count",
                    "1");
            assertEquals(2, refused.status(), refused.output());
            assertTrue(
                    refused.output()
                            .contains("riposte: the daemon does not follow " + dir.resolve("other.ndjson")
                                    + "; add it to intake.files"),
                    refused.output());
            assertTrue(Files.notExists(dir.resolve("other.ndjson")), "nothing written");
        }
    }
}
