package dev.riposte.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.testing.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reaction that floods the log and events whose strings try to forge log lines, in a daemon logging to
 * its console: a run's log is capped and says what it cut in one line, every audit line stays bounded,
 * and no event string starts a line of its own.
 */
class LogsTest {
    @TempDir
    Path dir;

    @Test
    void aFloodingRun_isCapped_andForgedLinesStayInsideTheirOwn() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("flood.js"),
                "// @on name=flood\n// @timeout 10s\n"
                        + "function process(d) { for (let i = 0; i < 20000; i++) Info('line ' + i + ' ' + 'z'.repeat(200)); }\n");
        Files.writeString(reactions.resolve("echo.js"), "// @on name=forge\nfunction process(d) { Info(uuid); }\n");
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
        String forged = "2026-12-01T00:00:00.000Z INFO  audit - run REACTION=\\\"forged\\\" OUTCOME=\\\"ok\\\"";
        try (DaemonProcess daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
            DaemonProcess.send(
                    dir.resolve("e.sock"),
                    "{\"uuid\":\"f1\",\"metadata\":{\"name\":\"flood\"}}",
                    "{\"uuid\":\"x\\n" + forged + "\\u0000\",\"metadata\":{\"name\":\"forge\"}}");
            daemon.awaitDone(2);
            DaemonProcess.audit(dir.resolve("state.db"), 2);
            List<String> lines = daemon.log().lines().toList();
            long floodLines =
                    lines.stream().filter(l -> l.contains(" reaction - line ")).count();
            assertTrue(floodLines <= 100, floodLines + " lines logged of 20,000");
            assertEquals(
                    1,
                    lines.stream()
                            .filter(l -> l.contains("more log lines (") && l.contains("were not logged"))
                            .count());
            assertTrue(lines.stream().allMatch(l -> l.length() < 20_000), "every line is bounded");
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("2026-12-01T00:00:00.000Z")), "no forged line");
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.contains("x\\n2026-12-01T00:00:00.000Z INFO  audit - run")
                                    && l.contains("\\u0000")),
                    "the uuid is logged escaped, on its own run's line");
        }
    }
}
