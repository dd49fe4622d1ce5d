package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two memory bombs at once in a daemon with a small heap (its own JVM, -Xmx160m, as the launcher would
 * start it): both are stopped, the daemon survives and keeps serving. Each bomb alone stays under the
 * default per-run budget long enough that only the heap guard can save the daemon.
 */
class HeapGuardTest {
    @TempDir
    Path dir;

    @Test
    void concurrentMemoryBombs_areStopped_andTheDaemonSurvives() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        for (String name : List.of("bomb1", "bomb2")) {
            Files.writeString(reactions.resolve(name + ".js"), "// @on name=crypto_miner_execution\n// @timeout 30s\n"
                    + "function process(d) { let a = []; while (true) a.push(new Array(1e6).fill(1)); }\n");
        }
        Files.writeString(reactions.resolve("ok.js"), "// @on *\nfunction process(d) { Info(uuid); }\n");
        Path config = DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"),
                "dispatch: {workers: 2}\nnetpolicy: {backend: dry-run}\n");
        try (DaemonProcess daemon = DaemonProcess.start(config, dir.resolve("c.sock"), dir.resolve("daemon.log"),
                List.of("-Xmx160m", "-XX:+UseSerialGC"))) {
            DaemonProcess.send(dir.resolve("e.sock"), Samples.lines().toArray(String[]::new));
            JsonNode stats = daemon.awaitDone(12);
            assertTrue(daemon.process().isAlive(), daemon.log());
            assertEquals(12, stats.path("events").path("done").asLong());
            assertEquals(2, stats.path("runs").path("error").asLong(), "both bombs stopped");
            assertEquals(12, stats.path("runs").path("ok").asLong(), "every event's ok.js ran");
        }
    }
}
