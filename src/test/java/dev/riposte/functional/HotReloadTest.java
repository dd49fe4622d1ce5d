package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.Main;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.testing.Await;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestDaemon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Reactions change under a running daemon: the directory is watched, and SIGHUP and riposte reload reload too. */
class HotReloadTest {
    @TempDir
    Path dir;

    /** Waits up to 2 s (the promise) for a condition. */
    private static void within2s(String what, Await.Check condition) throws Exception {
        Await.until(what + " within 2 s", 100, 20, condition);
    }

    private static List<String> loaded(TestDaemon d) {
        return d.daemon().reactions().loaded().stream()
                .map(r -> r.name())
                .sorted()
                .toList();
    }

    /** The Info message of the last run of {@code reaction}. */
    private static String lastSaid(TestDaemon d, String reaction) {
        List<RunRecord> runs = d.runs().stream()
                .filter(r -> r.reaction().name().equals(reaction))
                .toList();
        return runs.isEmpty() ? "" : runs.getLast().result().calls().getFirst().args();
    }

    @Test
    void newChangedBrokenAndDeletedFiles_takeEffectWithoutARestart() throws Exception {
        try (TestDaemon d = new TestDaemon(
                dir,
                "netpolicy:\n  backend: disabled\n",
                Map.of("a.js", "// @on *\nfunction process(data) { Info('a v1'); }\n"))) {
            Path reactions = dir.resolve("reactions.d");
            Files.writeString(reactions.resolve("b.js"), "// @on *\nfunction process(data) { Info('b v1'); }\n");
            within2s("a new file is loaded", () -> loaded(d).equals(List.of("a", "b")));

            Files.writeString(reactions.resolve("a.js"), "// @on *\nfunction process(data) { Info('a v2'); }\n");
            within2s("a changed file is swapped in", () -> {
                try {
                    String uuid = java.util.UUID.randomUUID().toString();
                    d.send(List.of(
                            Samples.line("01").replace(Samples.event("01").uuid(), uuid)));
                    Await.until(
                            "the run of " + uuid,
                            250,
                            20,
                            () -> d.runs().stream()
                                    .anyMatch(r -> r.event().uuid().equals(uuid)
                                            && r.reaction().name().equals("a")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return lastSaid(d, "a").equals("\"a v2\"");
            });

            Files.writeString(reactions.resolve("a.js"), "// @on *\nfunction process(data) { Info('a v3' }\n");
            within2s(
                    "the broken edit is reported",
                    () -> !d.daemon().reactions().rejected().isEmpty());
            assertEquals(List.of("a", "b"), loaded(d), "the last good version of a still runs");
            JsonNode stats = d.stats();
            assertTrue(
                    stats.path("reactions")
                            .path("rejected")
                            .get(0)
                            .asText()
                            .startsWith(reactions.resolve("a.js") + ":2: "),
                    stats.path("reactions").toString());
            d.send(List.of(Samples.line("02")));
            d.awaitFinished(d.stats().path("events").path("received").asLong());
            assertEquals("\"a v2\"", lastSaid(d, "a"));

            Files.delete(reactions.resolve("b.js"));
            within2s("a deleted file stops running", () -> loaded(d).equals(List.of("a")));
        }
    }

    @Test
    void sighupAndRiposteReload_reloadTheReactions() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("first.js"), "// @on *\nfunction process(data) {}\n");
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: disabled}\n");
        try (DaemonProcess daemon =
                DaemonProcess.start(config, dir.resolve("c.sock"), dir.resolve("daemon.log"), List.of("-Xmx256m"))) {
            Files.writeString(reactions.resolve("late.js"), "// @on *\nfunction process(data) {}\n");
            Runtime.getRuntime()
                    .exec(new String[] {
                        "kill", "-HUP", Long.toString(daemon.process().pid())
                    })
                    .waitFor();
            within2s(
                    "SIGHUP reloads: " + daemon.log(),
                    () -> daemon.stats().path("reactions").path("loaded").size() == 2);
            assertTrue(daemon.process().isAlive(), "SIGHUP does not end the daemon");
            Files.writeString(reactions.resolve("bad.js"), "// @on *\nfunction process(data) {\n");
            CliResult reload = CliResult.of("reload", "--config", config.toString());
            assertEquals(1, reload.code(), reload.out());
            assertTrue(reload.out().contains("reloaded: 2 reactions running, 1 files rejected"), reload.out());
            assertTrue(reload.out().contains("error: " + reactions.resolve("bad.js") + ":"), reload.out());
        }
    }

    /** The CLI run in this JVM with its output captured. */
    record CliResult(int code, String out) {
        static CliResult of(String... args) {
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(new Main());
            cli.setOut(new PrintWriter(out, true));
            int code = cli.execute(args);
            return new CliResult(code, out.toString());
        }
    }

    @Test
    void aReload_appliesANewReactionsDirectory_andTimeout() throws Exception {
        try (TestDaemon d = new TestDaemon(
                dir, "netpolicy:\n  backend: disabled\n", Map.of("a.js", "// @on *\nfunction process(data) {}\n"))) {
            Path other = Files.createDirectories(dir.resolve("other.d"));
            Files.writeString(other.resolve("b.js"), "// @on *\nfunction process(data) {}\n");
            String yaml = Files.readString(d.configFile());
            Files.writeString(
                    d.configFile(),
                    yaml.replace(
                            "  dir: " + dir.resolve("reactions.d"), "  dir: " + other + "\n  default_timeout: 3s"));
            d.daemon().reload();
            assertEquals(List.of("b"), loaded(d));
            assertEquals(
                    java.time.Duration.ofSeconds(3),
                    d.daemon().reactions().loaded().getFirst().timeout());
            Files.writeString(other.resolve("c.js"), "// @on *\nfunction process(data) {}\n");
            within2s("the watch follows the new directory", () -> loaded(d).equals(List.of("b", "c")));
            Files.writeString(d.configFile(), "intake: {sockett: x}\n");
            d.daemon().reload();
            assertEquals(List.of("b", "c"), loaded(d), "an invalid file changes nothing");
        }
    }
}
