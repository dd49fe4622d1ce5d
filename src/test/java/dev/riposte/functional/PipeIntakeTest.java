package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.audit.AuditRecord;
import dev.riposte.testing.Await;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.Samples;
import dev.riposte.testing.Sleepers;
import dev.riposte.testing.TestDaemon;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events through pipes: a real pipe into {@code riposte run --stdin} (the samples of every format,
 * pretty-printed, with the no-argument helpers acting on the pids and peers each format names), and
 * {@code riposte send -} streaming from a still-open standard input.
 */
class PipeIntakeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final Sleepers sleepers = new Sleepers();

    @AfterEach
    void stop() {
        sleepers.close();
    }

    /** A Falco sample naming {@code p} as its process (proc.pid, and its start as proc.pid.ts), under rule {@code rule}. */
    private static String falcoFor(Process p, String rule) throws IOException {
        ObjectNode alert = (ObjectNode) JSON.readTree(Samples.line(Samples.FALCO, "01"));
        Instant start = Sleepers.startTime(p);
        alert.put("rule", rule);
        ((ObjectNode) alert.get("output_fields"))
                .put("proc.pid", p.pid())
                .put("proc.pid.ts", start.getEpochSecond() * 1_000_000_000L + start.getNano());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(alert);
    }

    /** A Tetragon kprobe sample whose process (and its earlier image of the same pid) is {@code p}, under {@code policy}. */
    private static String tetragonFor(Process p, String policy, Instant startTime) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.line(Samples.TETRAGON, "04"));
        event.put("time", Instant.now().toString()); // another event: its derived uuid differs
        ObjectNode body = (ObjectNode) event.get("process_kprobe");
        body.put("policy_name", policy);
        String start = startTime.toString();
        ((ObjectNode) body.get("process")).put("pid", p.pid()).put("start_time", start);
        ((ObjectNode) body.get("parent")).put("pid", p.pid()).put("start_time", start);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(event);
    }

    @Test
    void aPipeIntoRunStdin_everyFormatsSamples_withTheHelpersActingOnWhatEachFormatNames() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("all.js"), "// @on *\nfunction process(data) { Info('seen'); }\n");
        Files.writeString(reactions.resolve("peers.js"), """
                // @on name="Redirect STDOUT/STDIN to Network Connection in Container"
                // @on name=monitor-network-activity-outside-cluster-cidr-range
                function process(data) { NetBlockIp(); }
                """);
        Files.writeString(reactions.resolve("kill.js"), """
                // @on name="riposte test: kill the shell"
                // @on name=riposte-test-kill
                function process(data) { KillCurrent(); }
                """);
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
        Process falcoTarget = sleepers.start();
        Process tetragonTarget = sleepers.start();
        StringBuilder input = new StringBuilder();
        int events = 0;
        for (Path sampleDir : List.of(Samples.DIR, Samples.FALCO, Samples.TETRAGON)) {
            for (Path f : Samples.files(sampleDir)) {
                input.append(Files.readString(f)).append('\n');
                events++;
            }
        }
        input.append(falcoFor(falcoTarget, "riposte test: kill the shell")).append('\n');
        input.append(
                tetragonFor(tetragonTarget, "riposte-test-kill", Sleepers.startTime(tetragonTarget))); // concatenated
        Process reused = sleepers.start();
        input.append(tetragonFor(
                        reused, "riposte-test-kill", Sleepers.startTime(reused).minusSeconds(3600)))
                .append('\n'); // as if its pid had been reused
        events += 3;
        try (DaemonProcess daemon = DaemonProcess.start(
                List.of(),
                Map.of(),
                config,
                dir.resolve("c.sock"),
                dir.resolve("daemon.log"),
                DaemonProcess.LAUNCHER_JVM,
                List.of("--stdin"))) {
            OutputStream stdin = daemon.process().getOutputStream();
            stdin.write(input.toString().getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            List<AuditRecord> runs = DaemonProcess.audit(dir.resolve("state.db"), events + 2 + 3);
            assertEquals(events + 2 + 3, runs.size(), daemon.log());
            assertTrue(falcoTarget.waitFor(10, TimeUnit.SECONDS), "KillCurrent on a Falco alert killed proc.pid");
            assertTrue(
                    tetragonTarget.waitFor(10, TimeUnit.SECONDS), "KillCurrent on a Tetragon event killed process.pid");
            List<String> kills = runs.stream()
                    .filter(r -> r.reaction().equals("kill"))
                    .map(r -> r.calls().isEmpty()
                            ? r.outcome() + " " + r.detail()
                            : r.calls().getFirst().helper() + "="
                                    + r.calls().getFirst().result())
                    .sorted()
                    .toList();
            assertEquals(List.of("KillCurrent=-1", "KillCurrent=0", "KillCurrent=0"), kills, runs.toString());
            assertTrue(reused.isAlive());
            JsonNode stats = daemon.stats();
            assertEquals(
                    1, stats.path("netpolicy").path("blocked").asLong(), "fd.rip and sock_arg.daddr: 203.0.113.45");
            assertEquals(
                    "203.0.113.45",
                    DaemonProcess.cli("blocks", "--config", config.toString(), "--json")
                            .output()
                            .replaceAll("(?s).*\"address\":\"([^\"]+)\".*", "$1")
                            .strip());

            stdin.close(); // the end of input
            Await.until("standard input ended", 200, 50, () -> {
                return daemon.stats()
                        .path("sources")
                        .path(0)
                        .path("state")
                        .asText()
                        .equals("ended");
            });
            JsonNode source = daemon.stats().path("sources").path(0);
            assertEquals("stdin", source.path("source").asText());
            assertEquals(events, source.path("events").asLong());
            assertEquals(0, source.path("rejected").asLong());
            DaemonProcess.send(
                    dir.resolve("e.sock"),
                    Samples.line("05") // the daemon goes on with its socket
                            .replace("2f2c89c0-1dbc-4279-ac4c-5fc3002b9a61", "2f2c89c0-1dbc-4279-ac4c-000000000001"));
            List<AuditRecord> after = DaemonProcess.audit(dir.resolve("state.db"), events + 2 + 3 + 1);
            assertEquals(events + 2 + 3 + 1, after.size());
            assertEquals("ok", after.getLast().outcome());
            assertTrue(daemon.process().isAlive());
        }
    }

    @Test
    void send_writesEachEventAsSoonAsItIsRead_fromAStillOpenInput() throws Exception {
        try (TestDaemon d = new TestDaemon(
                dir,
                DaemonFunctionalTest.DRY_RUN,
                Map.of("all.js", "// @on *\nfunction process(data) { Info('seen'); }\n"))) {
            List<String> command = new java.util.ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(DaemonProcess.LAUNCHER_JVM);
            command.addAll(List.of(
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.riposte.Main",
                    "send",
                    "--config",
                    d.configFile().toString(),
                    "-"));
            Process send = new ProcessBuilder(command).redirectErrorStream(true).start();
            try {
                OutputStream in = send.getOutputStream();
                in.write(Files.readAllBytes(Samples.files(Samples.FALCO).get(0)));
                in.flush();
                Await.until(
                        "the first event has run while send's input is still open",
                        600,
                        50,
                        () -> d.runs().size() == 1);
                assertTrue(send.isAlive());
                in.write(("not json\n" + Samples.line("01") + Samples.line("02") + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                in.close();
                String out = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(send.waitFor(30, TimeUnit.SECONDS));
                assertEquals(1, send.exitValue(), "some input was skipped: " + out);
                long at = Files.size(Samples.files(Samples.FALCO).get(0));
                assertTrue(
                        out.contains("riposte: skipped input at byte " + at + ": not a JSON object; it starts with "
                                + "\"not json\""),
                        out);
                assertTrue(out.contains("sent 3 events ("), out);
                assertTrue(out.contains("; skipped 1 pieces of input that were not JSON objects"), out);
                Await.until("three runs", 600, 50, () -> d.runs().size() == 3);
            } finally {
                send.destroyForcibly();
            }
        }
    }
}
