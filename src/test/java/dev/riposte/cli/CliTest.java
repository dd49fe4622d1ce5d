package dev.riposte.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.Main;
import dev.riposte.testing.NeedsRoot;
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

/** The subcommands against a daemon started in-process, through the same sockets an operator's CLI uses. */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result riposte(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void send_thenStats_reportWhatHappened() throws Exception {
        try (TestDaemon d = new TestDaemon(
                dir,
                "netpolicy:\n  backend: dry-run\n",
                Map.of("all.js", "// @on *\nfunction process(data) { Info(name); }\n"))) {
            Result sent = riposte("send", "--config", d.configFile().toString(), Samples.NDJSON.toString());
            assertEquals(0, sent.code(), sent.err());
            // The in-process daemon logs to the same stdout, so the command's own line is looked for among them.
            assertTrue(
                    sent.out()
                            .lines()
                            .anyMatch(
                                    ("sent 12 events (" + Files.size(Samples.NDJSON) + " bytes) to " + d.socket())
                                            ::equals),
                    sent.out());
            d.awaitFinished(12);
            Result json = riposte("stats", "--json", "--config", d.configFile().toString());
            assertEquals(0, json.code(), json.err());
            JsonNode stats = new ObjectMapper()
                    .readTree(json.out()
                            .lines()
                            .filter(l -> l.startsWith("{\"ok\""))
                            .findFirst()
                            .orElseThrow());
            assertEquals(12, stats.path("runs").path("ok").asLong());
            Result text = riposte("stats", "--config", d.configFile().toString());
            assertTrue(text.out().contains("runs      ok 12  error 0  timed_out 0  skipped 0"), text.out());
            assertTrue(text.out().contains("netpolicy dry-run (active)"), text.out());
        }
    }

    @Test
    void stats_withoutADaemon_saysSo() throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "intake:\n  control_socket: " + dir.resolve("none.sock") + "\n");
        Result r = riposte("stats", "--config", config.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err().startsWith("riposte: cannot connect to " + dir.resolve("none.sock") + " (is riposte running?)"),
                r.err());
    }

    @Test
    void badConfiguration_isReportedKeyByKey_withExitCode2() throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "intake:\n  sockett: /x\ndispatch:\n  workers: many\n");
        Result r = riposte("stats", "--config", config.toString());
        assertEquals(2, r.code());
        assertEquals(
                "riposte: invalid configuration " + config + ":\n"
                        + "  intake.sockett: is not a known key. Found: \"/x\"\n"
                        + "  dispatch.workers: must be an integer from 0 to 256. Found: \"many\"\n",
                r.err());
    }

    @Test
    void audit_listsTheStoredRuns_filtersThem_andPrintsJson() throws Exception {
        try (TestDaemon d = new TestDaemon(
                dir,
                "netpolicy:\n  backend: dry-run\n",
                Map.of(
                        "blocker.js",
                                "// @on name=crypto_miner_execution\nfunction process(data) { NetBlockIp('203.0.113.7'); NetBlockIp('127.0.0.1'); }\n",
                        "logger.js", "// @on *\nfunction process(data) { Info(name); }\n"))) {
            d.send(Samples.lines());
            d.awaitFinished(12);
            d.daemon().auditTrail().flush();
            String config = d.configFile().toString();
            Result all = riposte("audit", "--config", config);
            assertEquals(0, all.code(), all.err());
            assertEquals(13, all.out().lines().filter(l -> l.contains("  ok  ")).count(), all.out());

            Result blocker = riposte("audit", "--config", config, "--reaction", "blocker", "--since", "1h");
            List<String> lines =
                    blocker.out().lines().filter(l -> l.contains("  blocker  ")).toList();
            assertEquals(1, lines.size(), blocker.out());
            assertTrue(
                    lines.getFirst()
                            .matches(
                                    "\\S+Z  ok  blocker  " + Samples.event("01").uuid()
                                            + "  crypto_miner_execution  \\d+us  NetBlockIp\\(\"203.0.113.7\"\\)=0, NetBlockIp\\(\"127.0.0.1\"\\)=-1"),
                    lines.getFirst());

            Result json = riposte(
                    "audit", "--config", config, "--event", Samples.event("02").uuid(), "--json");
            List<JsonNode> records = new java.util.ArrayList<>();
            for (String l :
                    json.out().lines().filter(l -> l.startsWith("{\"time\"")).toList()) {
                records.add(new ObjectMapper().readTree(l));
            }
            assertEquals(1, records.size(), json.out());
            JsonNode r = records.getFirst();
            assertEquals("logger", r.path("reaction").asText());
            assertEquals("sudoers_modification", r.path("eventName").asText());
            assertEquals(
                    d.daemon().reactions().loaded().stream()
                            .filter(x -> x.name().equals("logger"))
                            .findFirst()
                            .orElseThrow()
                            .hash(),
                    r.path("reactionHash").asText());
            assertEquals("Info", r.path("calls").path(0).path("helper").asText());
            assertEquals(
                    "\"sudoers_modification\"",
                    r.path("calls").path(0).path("args").asText());
            assertEquals("0", r.path("calls").path(0).path("result").asText());

            Result old = riposte("audit", "--config", config, "--since", "2099-01-01T00:00:00Z");
            assertEquals(
                    "",
                    old.out()
                            .lines()
                            .filter(l -> l.contains("  ok  "))
                            .findAny()
                            .orElse(""));
        }
    }

    @Test
    void audit_refusesBadOptions_andAMissingStore() throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "state:\n  path: " + dir.resolve("none.db") + "\n");
        Result since = riposte("audit", "--config", config.toString(), "--since", "yesterday");
        assertEquals(2, since.code());
        assertEquals(
                "riposte audit: --since must be a duration such as 15m, 1h or 7d, or a time such as "
                        + "2026-11-27T10:00:00Z. Found: yesterday\n",
                since.err());
        Result missing = riposte("audit", "--config", config.toString());
        assertEquals(1, missing.code());
        assertEquals(
                "riposte audit: there is no state store at " + dir.resolve("none.db") + " (state.path)\n",
                missing.err());
    }

    @Test
    void check_warnsAboutShellReactionsThatRunWithRipostesPrivileges() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("backup.sh"), "# @on *\ncp /etc/shadow /var/backups/x\n");
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "reactions: {dir: " + reactions + "}\nshell: {privileged: true}\n");
        Result privileged = riposte("check", "--config", config.toString());
        assertEquals(0, privileged.code(), privileged.err());
        assertTrue(
                privileged
                        .out()
                        .contains("warning: reaction backup is a shell reaction and runs as riposte itself, with "
                                + "its privileges (shell.privileged: true)"),
                privileged.out());
        Files.writeString(config, "reactions: {dir: " + reactions + "}\n");
        assertTrue(
                riposte("check", "--config", config.toString()).out().lines().noneMatch(l -> l.startsWith("warning")));
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void check_reportsRejections_andWarnsAboutDocOnlyFieldsAndHelpersThatWillFail() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        for (String f : List.of("docs-field-paths.js", "net-tool-ips.js", "crypto-miner.yaml")) {
            Files.copy(Path.of("examples/jibril-compat", f), reactions.resolve(f));
        }
        Files.writeString(reactions.resolve("panic.sh"), "# @on *\necho\n");
        Files.writeString(reactions.resolve("stop.js"), "// @on *\nfunction process(d) { PowerOff(); }\n");
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "reactions:\n  dir: " + reactions + "\nnetpolicy:\n  backend: disabled\n");
        Result ok = riposte("check", "--config", config.toString());
        assertEquals(0, ok.code(), ok.err());
        List<String> lines =
                ok.out().lines().filter(l -> !l.matches("\\S+Z .*")).toList();
        assertEquals(
                List.of(
                        "configuration " + config + ": valid",
                        "reactions in " + reactions + ": 5 loaded, 0 rejected",
                        "  ok  crypto_miner_execution (crypto-miner.yaml)",
                        "  ok  docs-field-paths (docs-field-paths.js)",
                        "  ok  net-tool-ips (net-tool-ips.js)",
                        "  ok  panic (panic.sh)",
                        "  ok  stop (stop.js)",
                        "warning: " + reactions
                                + "/docs-field-paths.js:6: reaction docs-field-paths: file.file is not in Jibril v1 "
                                + "events (it existed until ashkaal v0.1.1); the path is file.path",
                        "warning: " + reactions
                                + "/docs-field-paths.js:7: reaction docs-field-paths: file.actions is an object in "
                                + "v1 events; the list of actions is file.actions.actions",
                        "warning: " + reactions
                                + "/docs-field-paths.js:8: reaction docs-field-paths: events have no base key (Base "
                                + "is flattened into the event); use data.background",
                        "warning: reaction crypto_miner_execution calls network helpers, which will return -1: netpolicy.backend is "
                                + "disabled in the configuration",
                        "warning: reaction net-tool-ips calls network helpers, which will return -1: netpolicy.backend is disabled "
                                + "in the configuration",
                        "warning: reaction stop calls PowerOff or Panic, which will return -1 (emergency.enabled is false)"),
                lines);

        Files.writeString(reactions.resolve("broken.js"), "// @on *\nfunction process(d) {\n");
        Result bad = riposte("check", "--config", config.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.out().lines().anyMatch(l -> l.startsWith("error: " + reactions + "/broken.js:")), bad.out());

        Result one = riposte(
                "check",
                "--config",
                config.toString(),
                reactions.resolve("stop.js").toString());
        assertEquals(0, one.code(), one.out());
        assertTrue(
                one.out().contains("reactions in " + reactions.resolve("stop.js") + ": 1 loaded, 0 rejected"),
                one.out());
        Result onlyBroken = riposte(
                "check",
                "--config",
                config.toString(),
                reactions.resolve("broken.js").toString());
        assertEquals(1, onlyBroken.code(), onlyBroken.out());
        assertTrue(onlyBroken.out().contains("error: " + reactions.resolve("broken.js") + ":3: "), onlyBroken.out());
    }

    @Test
    void test_runsOneReaction_recordingEveryEffect_withoutApplyingAny() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.copy(Path.of("examples/jibril-compat/crypto-miner.yaml"), reactions.resolve("crypto-miner.yaml"));
        Path config = dir.resolve("c.yaml");
        Files.writeString(
                config,
                "reactions:\n  dir: " + reactions + "\nkill:\n  min_pid: 2\nstate:\n  path: "
                        + dir.resolve("real-state.db") + "\n");
        try (dev.riposte.testing.Sleepers sleepers = new dev.riposte.testing.Sleepers()) {
            Process miner = sleepers.start();
            com.fasterxml.jackson.databind.node.ObjectNode event =
                    (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(Samples.line("01"));
            ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("process"))
                    .put("pid", miner.pid())
                    .put("start", dev.riposte.testing.Sleepers.startTime(miner).toString());
            Path eventFile = dir.resolve("event.json");
            Files.writeString(eventFile, event.toPrettyString());

            Result r = riposte(
                    "test", "--config", config.toString(), "crypto_miner_execution", "--event", eventFile.toString());
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertEquals(
                    List.of(
                            "reaction  crypto_miner_execution (" + reactions.resolve("crypto-miner.yaml") + ")",
                            "event     " + Samples.event("01").uuid()
                                    + " crypto_miner_execution (kind crypto_miner_execution, format jibril)",
                            "  Info(\"miner xmrig pid " + miner.pid() + "\")=0",
                            "  KillCurrent()=0",
                            // what a call without arguments acts on: the event's process, its remote addresses
                            "      targets: pid " + miner.pid() + ": SIGKILL",
                            "  DataGet(\"miners_killed\")=\"\"   errno: DataGet: no key \"miners_killed\"",
                            "  DataSet(\"miners_killed\", \"1\")=0",
                            "  Warn(\"miners killed so far: 1\")=0",
                            "  NetBlockIp()=0",
                            "      targets: \"203.0.113.80\": blocked",
                            "  log INFO: miner xmrig pid " + miner.pid(),
                            "  log WARN: miners killed so far: 1"),
                    lines.subList(0, 12));
            assertTrue(lines.get(12).matches("outcome   ok in [0-9.]+ ms"), lines.get(12));
            assertTrue(miner.isAlive(), "the kill was only recorded");
            assertFalse(Files.exists(dir.resolve("real-state.db")), "the real store is not touched");

            Result json = riposte(
                    "test",
                    "--config",
                    config.toString(),
                    "crypto_miner_execution",
                    "--event",
                    eventFile.toString(),
                    "--json");
            JsonNode run = new ObjectMapper()
                    .readTree(json.out()
                            .lines()
                            .filter(l -> l.startsWith("{"))
                            .findFirst()
                            .orElseThrow());
            assertEquals("ok", run.path("outcome").asText());
            assertEquals("KillCurrent", run.path("calls").path(1).path("helper").asText());
            assertEquals(
                    "pid " + miner.pid() + ": SIGKILL",
                    run.path("calls").path(1).path("targets").path(0).asText());
            assertEquals("WARN", run.path("log").path(1).path("level").asText());
        }
        Result missing = riposte(
                "test",
                "--config",
                config.toString(),
                "nope",
                "--event",
                Samples.DIR.resolve("01-execution-crypto-miner-xmrig.json").toString());
        assertEquals(2, missing.code());
        assertTrue(
                missing.err()
                        .startsWith("riposte test: no loaded reaction named nope in " + reactions
                                + " (loaded: [crypto_miner_execution])"),
                missing.err());
        Files.writeString(dir.resolve("bad.json"), "{\"uuid\": ");
        Result bad = riposte(
                "test",
                "--config",
                config.toString(),
                "crypto_miner_execution",
                "--event",
                dir.resolve("bad.json").toString());
        assertEquals(2, bad.code());
        assertTrue(
                bad.err().startsWith("riposte test: cannot read an event from " + dir.resolve("bad.json") + ": "),
                bad.err());
    }

    @Test
    void checkAndTest_takeTheFalcoAndTetragonExamples_andTheirPrettyPrintedSamples() throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(
                config,
                "reactions:\n  dir: " + Path.of("examples/reactions").toAbsolutePath() + "\nstate:\n  path: "
                        + dir.resolve("state.db") + "\n");
        Result check = riposte("check", "--config", config.toString());
        assertEquals(0, check.code(), check.out() + check.err());
        assertTrue(check.out().contains("2 loaded, 0 rejected"), check.out());

        Result falco = riposte(
                "test",
                "--config",
                config.toString(),
                "falco-terminal-shell",
                "--event",
                Samples.FALCO.resolve("01-terminal-shell-in-container.json").toString());
        assertEquals(0, falco.code(), falco.err());
        assertTrue(
                falco.out()
                        .contains("event     15c867be-1f0f-3785-9f58-c4d1092be9cc Terminal shell in container (kind "
                                + "syscall, format falco)"),
                falco.out());
        assertTrue(falco.out().contains("  KillCurrent()="), falco.out());
        assertFalse(falco.out().contains("note "), falco.out());

        Result tetragon = riposte(
                "test",
                "--config",
                config.toString(),
                "tetragon-egress",
                "--event",
                Samples.TETRAGON.resolve("04-process-kprobe-tcp-connect.json").toString());
        assertEquals(0, tetragon.code(), tetragon.err());
        assertTrue(tetragon.out().contains("  NetBlockIpTimer(\"203.0.113.45\", 3600)=0"), tetragon.out());

        Result other = riposte(
                "test",
                "--config",
                config.toString(),
                "tetragon-egress",
                "--event",
                Samples.TETRAGON
                        .resolve("06-process-kprobe-file-read-sigkill-enforced.json")
                        .toString());
        assertTrue(
                other.out()
                        .contains("note      the event matches none of the reaction's @on lines: the daemon would not "
                                + "run it for this event"),
                other.out());
    }
}
