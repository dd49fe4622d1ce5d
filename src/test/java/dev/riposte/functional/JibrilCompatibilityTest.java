package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.testing.Samples;
import dev.riposte.testing.Sleepers;
import dev.riposte.testing.TestDaemon;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compatibility corpus (examples/jibril-compat: reactions written the way Jibril's published
 * examples are) run by a whole daemon against the sample events, with exact helper calls. The events
 * that get a process killed are given the pid and start time of a real child process (sleep), so that
 * the kill is real and nothing else on the machine can be hit.
 */
class JibrilCompatibilityTest {
    static final Path CORPUS = Path.of("examples/jibril-compat");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    final Sleepers sleepers = new Sleepers();

    @AfterEach
    void stop() {
        sleepers.close();
    }

    private Process sleeper() throws Exception {
        return sleepers.start();
    }

    private static String start(Process p) {
        return Sleepers.startTime(p).toString();
    }

    /** The sample with its process (and, if given, its parent's ancestry entry) replaced by real processes. */
    private String withRealProcesses(String sample, Process process, Process parent) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(Samples.line(sample));
        ObjectNode p = (ObjectNode) event.get("process");
        long oldPpid = p.get("ppid").asLong();
        p.put("pid", process.pid()).put("start", start(process));
        if (parent != null) {
            p.put("ppid", parent.pid());
        }
        for (JsonNode a : event.path("background").path("ancestry")) {
            ObjectNode entry = (ObjectNode) a;
            if (parent != null && entry.get("pid").asLong() == oldPpid) {
                entry.put("pid", parent.pid()).put("start", start(parent));
            }
        }
        return JSON.writeValueAsString(event);
    }

    private static Map<String, String> corpus() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(CORPUS)) {
            for (Path f : list.sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        return files;
    }

    private static List<String> calls(List<RunRecord> runs, String reaction, String uuid) {
        RunRecord r = runs.stream()
                .filter(x ->
                        x.reaction().name().equals(reaction) && x.event().uuid().equals(uuid))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no run of " + reaction + " for " + uuid));
        return TestSandboxes.calls(r.result().calls());
    }

    private static Outcome outcome(List<RunRecord> runs, String reaction, String uuid) {
        return runs.stream()
                .filter(x ->
                        x.reaction().name().equals(reaction) && x.event().uuid().equals(uuid))
                .findFirst()
                .orElseThrow()
                .result()
                .outcome();
    }

    /** Helper name and result, for calls whose arguments hold temporary paths: a value result counts as 0 when not "". */
    private static List<String> shapes(List<String> calls) {
        return calls.stream()
                .map(c -> {
                    String result = c.substring(c.lastIndexOf(")=") + 2).split(" errno=")[0];
                    return c.substring(0, c.indexOf('(')) + "="
                            + (result.startsWith("\"") ? (result.equals("\"\"") ? "-1" : "0") : result);
                })
                .toList();
    }

    @Test
    void theCorpus_runsAgainstTheSampleEvents_withExactHelperCalls() throws Exception {
        Process miner = sleeper();
        Process unusual = sleeper();
        Process unusualParent = sleeper();
        List<String> events = new ArrayList<>(Samples.lines());
        events.set(0, withRealProcesses("01", miner, null));
        events.set(8, withRealProcesses("09", unusual, unusualParent));
        try (TestDaemon d = new TestDaemon(dir, "netpolicy:\n  backend: dry-run\nkill:\n  min_pid: 2\n", corpus())) {
            assertEquals(List.of(), d.daemon().reactions().rejected());
            d.send(events);
            d.awaitFinished(12);
            List<RunRecord> runs = d.runs();
            String u01 = Samples.event("01").uuid();
            String u02 = Samples.event("02").uuid();
            String u05 = Samples.event("05").uuid();
            String u09 = Samples.event("09").uuid();

            // Crypto miner (a recipe file): the miner is killed, counted, its pool blocked.
            assertEquals(
                    List.of(
                            "Info(\"miner xmrig pid " + miner.pid() + "\")=0",
                            "KillCurrent()=0",
                            "DataGet(\"miners_killed\")=\"\" errno=DataGet: no key \"miners_killed\"",
                            "DataSet(\"miners_killed\", \"1\")=0",
                            "Warn(\"miners killed so far: 1\")=0",
                            "NetBlockIp()=0"),
                    calls(runs, "crypto_miner_execution", u01));
            assertTrue(miner.waitFor(10, TimeUnit.SECONDS));
            assertEquals(137, miner.exitValue());

            // Sudoers evidence, with the real field paths.
            // (Arguments holding the long temporary path are cut in the audit summary: only the results are compared.)
            assertEquals(
                    List.of("CreateTempDir=0", "WriteFile=0", "DataSet=0", "Info=0"),
                    shapes(calls(runs, "sudoers-evidence", u02)));
            Path evidenceDir;
            try (Stream<Path> list = Files.list(d.evidence())) {
                evidenceDir = list.filter(
                                p -> p.getFileName().toString().startsWith("sudoers-" + u02.substring(0, 8) + "-"))
                        .findFirst()
                        .orElseThrow();
            }
            JsonNode evidence = JSON.readTree(Files.readString(evidenceDir.resolve("evidence.json")));
            assertEquals(
                    "tee -a /etc/sudoers", evidence.path("process").path("args").asText());
            assertEquals(
                    "[\"1:systemd\",\"688:cron\",\"41197:cron\",\"41200:sh\",\"41202:tee\"]",
                    evidence.path("ancestry").toString());

            // The documentation's field paths: undefined, then a TypeError on the real event.
            assertEquals(List.of("Info(\"File: undefined\")=0"), calls(runs, "docs-field-paths", u02));
            Outcome docs = outcome(runs, "docs-field-paths", u02);
            assertTrue(
                    docs instanceof Outcome.Failed f && f.message().startsWith("TypeError: ") && f.line() == 7,
                    docs.toString());

            // A network tool with an IP argument: the address is blocked and remembered.
            assertEquals(
                    List.of(
                            "NetBlockIp(\"198.51.100.23\")=0",
                            "DataPush(\"blocked_ips\", \"198.51.100.23\")=0",
                            "Info(\"nc: blocked 1 address(es)\")=0"),
                    calls(runs, "net-tool-ips", u05));

            // Multi-stage incident response: both processes killed, evidence written, record kept.
            List<String> incident = calls(runs, "incident-response", u09);
            String id = "INC-" + u09.substring(0, 8);
            assertEquals(List.of("KillCurrent()=0", "KillParent()=0", "NetBlockIp()=1"), incident.subList(0, 3));
            assertEquals(List.of("CreateTempDir=0", "WriteFile=0"), shapes(incident.subList(3, 5)));
            assertEquals(
                    List.of(
                            "DataSet(\"incident_" + id
                                    + "\", \"{\\\"actions\\\":[\\\"process_killed\\\",\\\"parent_killed\\\"],\\\"files\\\":[\\\"process.json\\\"]}\")=0",
                            "DataIncr(\"incidents\")=1",
                            "Error(\"" + id + ": process_killed,parent_killed evidence=1 total=1\")=0"),
                    incident.subList(5, 8));
            assertTrue(unusual.waitFor(10, TimeUnit.SECONDS));
            assertTrue(unusualParent.waitFor(10, TimeUnit.SECONDS));

            // The counters saw all twelve events.
            d.daemon().auditTrail().flush();
            assertEquals(
                    12,
                    runs.stream()
                            .filter(r -> r.reaction().name().equals("event-counter")
                                    && r.result().outcome() instanceof Outcome.Ok)
                            .count());
            List<String> counter = calls(runs, "event-counter", u01);
            assertEquals(
                    List.of(
                            "DataGet(\"seen_crypto_miner_execution\")=\"\" errno=DataGet: no key \"seen_crypto_miner_execution\"",
                            "DataSet(\"seen_crypto_miner_execution\", \"1\")=0"),
                    counter.subList(0, 2));
            assertTrue(
                    counter.get(2).matches("DataIncr\\(\"total\"\\)=([1-9]|1[0-2])"),
                    "the running total, 1 to 12: " + counter);
            assertEquals(
                    List.of("12"),
                    runs.stream()
                            .filter(r -> r.reaction().name().equals("event-counter"))
                            .map(r -> r.result().calls().getLast().result())
                            .filter("12"::equals)
                            .toList(),
                    "one run's DataIncr reached 12");
        }
    }
}
