package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.audit.AuditRecord;
import dev.riposte.testing.DaemonProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo, as a new user runs it: a daemon following a file the way config/dev.yaml follows
 * var/jibril.out, and examples/jibril-file-demo.sh appending the twelve pretty-printed samples to it
 * with a rotation halfway. Every sample runs the shipped reactions once, with their effects.
 */
class JibrilFileDemoTest {
    @TempDir
    Path dir;

    @Test
    void theDemoScript_appendsTheSamplesThroughARotation_andTheShippedReactionsRunOnEachOnce() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        for (Map.Entry<String, String> r :
                DaemonFunctionalTest.shippedReactions().entrySet()) {
            Files.writeString(reactions.resolve(r.getKey()), r.getValue());
        }
        // As in the README, the file's directory exists (there, riposte has made var/ for its sockets).
        Path file = dir.resolve("jibril.out");
        Path config = DaemonProcess.writeConfig(
                dir, reactions, dir.resolve("state.db"), file, "netpolicy: {backend: dry-run}\n");
        try (DaemonProcess daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
            Process demo = new ProcessBuilder("examples/jibril-file-demo.sh", file.toString())
                    .redirectErrorStream(true)
                    .start();
            String said = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, demo.exitValue(), said);
            assertTrue(said.contains("rotated " + file + " to " + file + ".1"), said);

            JsonNode stats = daemon.awaitDone(12);
            assertEquals(12, stats.path("events").path("done").asLong(), daemon.log());
            JsonNode source = stats.path("sources").path(0);
            assertEquals(12, source.path("events").asLong(), source.toString());
            assertEquals(0, source.path("rejected").asLong(), source.toString());
            assertEquals(1, source.path("rotations").asLong(), source.toString());
            assertEquals(3, stats.path("netpolicy").path("blocked").asLong());
            assertEquals(12, stats.path("since_detection_us").path("count").asLong());
            assertTrue(
                    stats.path("since_detection_us").path("max").asLong() < 60_000_000L,
                    "the demo stamps each event with the time it writes it: " + stats.path("since_detection_us"));

            assertEquals(12, stats.path("runs").path("ok").asLong(), "as for the samples sent to the socket");
            List<AuditRecord> runs = DaemonProcess.audit(dir.resolve("state.db"), 12);
            assertEquals(12, runs.size());
            Set<String> original = dev.riposte.testing.Samples.lines().stream()
                    .map(l -> l.substring(l.indexOf("\"uuid\":\"") + 8, l.indexOf("\"uuid\":\"") + 44))
                    .collect(Collectors.toSet());
            assertTrue(runs.stream().noneMatch(r -> original.contains(r.eventUuid())), "a fresh uuid for each sample");
            Set<String> seen = new HashSet<>();
            for (AuditRecord r : runs) {
                assertTrue(seen.add(r.reaction() + " " + r.eventUuid()), "ran twice: " + r);
                assertEquals("ok", r.outcome(), r.toString());
            }
            try (Stream<Path> cases = Files.list(dir.resolve("ev"))) {
                assertEquals(2, cases.count(), "evidence for the sudoers write and the SSH key read");
            }
        }
    }
}
