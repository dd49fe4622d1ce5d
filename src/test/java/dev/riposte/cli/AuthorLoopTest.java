package dev.riposte.cli;

import static dev.riposte.cli.CliTest.riposte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.cli.CliTest.Result;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reaction author's loop on a machine without riposte installed: a reaction file and a saved event,
 * {@code check} and {@code test} on them, nothing reaching the host.
 */
class AuthorLoopTest {
    private static final Path DEFAULT_CONFIG = Path.of("/etc/riposte/riposte.yaml");
    private static final String DEFAULTS =
            "riposte: no /etc/riposte/riposte.yaml: using the built-in defaults " + "(docs/configuration.md)";

    @TempDir
    Path dir;

    Path event;

    @BeforeEach
    void assumeNoInstalledRiposte() throws Exception {
        // The case under test is a machine without the package. Where it is installed (DebPackageIT installs
        // and purges it on the build host), the default file exists and would be read instead.
        Assumptions.assumeFalse(
                Files.exists(DEFAULT_CONFIG),
                DEFAULT_CONFIG + " exists on this host: these tests " + "are about one where it does not");
        event = dir.resolve("event.json");
        Files.copy(Samples.DIR.resolve("01-execution-crypto-miner-xmrig.json"), event);
    }

    @Test
    void aReactionFile_isTestedAndChecked_withTheBuiltInDefaults_saidOnOneLine() throws Exception {
        Path reaction = dir.resolve("my-reaction.js");
        Files.writeString(reaction, "// @on name=crypto_miner_execution\nfunction process(data) { Info(\"seen\"); }\n");

        Result test = riposte("test", reaction.toString(), "--event", event.toString());
        assertEquals(0, test.code(), test.out() + test.err());
        assertEquals(DEFAULTS + "\n", test.err());
        assertTrue(test.out().startsWith("reaction  my-reaction (" + reaction + ")\n"), test.out());
        assertTrue(test.out().contains("  Info(\"seen\")=0\n"), test.out());

        Result check = riposte("check", reaction.toString());
        assertEquals(0, check.code(), check.out() + check.err());
        assertEquals(DEFAULTS + "\n", check.err());
        assertTrue(
                check.out()
                        .startsWith("configuration built-in defaults: valid\nreactions in " + reaction
                                + ": 1 loaded, 0 rejected\n"),
                check.out());
    }

    @Test
    void evidence_isShownAtTheConfiguredDirectory_asInTheDaemon_butWrittenNowhereReal() throws Exception {
        Path evidence = Path.of("/var/lib/riposte/evidence");
        Assumptions.assumeFalse(Files.exists(evidence), evidence + " exists on this host");
        Path reaction = dir.resolve("evidence.js");
        Files.writeString(reaction, """
                // @on *
                function process(data) {
                  const d = CreateTempDir("case-*");
                  Info(d.startsWith("/var/lib/riposte/evidence/case-") ? "under evidence.dir" : "elsewhere: " + d);
                  WriteFile(d + "/note.txt", "kept");
                  Info(ReadFile(d + "/note.txt"));
                }
                """);
        Result test = riposte("test", reaction.toString(), "--event", event.toString());
        assertEquals(0, test.code(), test.out() + test.err());
        assertTrue(test.out().contains("  log INFO: under evidence.dir\n  log INFO: kept\n"), test.out());
        assertTrue(test.out().contains("  CreateTempDir(\"case-*\")=\"/var/lib/riposte/evidence/case-"), test.out());
        assertFalse(Files.exists(evidence), "nothing was written there");
    }

    @Test
    void anExplicitConfigThatDoesNotExist_isStillAnError() throws Exception {
        Path reaction = dir.resolve("r.js");
        Files.writeString(reaction, "// @on *\nfunction process(data) { }\n");
        Path missing = dir.resolve("nope.yaml");
        Result test = riposte("test", "--config", missing.toString(), reaction.toString(), "--event", event.toString());
        assertEquals(2, test.code());
        assertTrue(test.err().startsWith("riposte: invalid configuration " + missing + ":\n"), test.err());
        assertFalse(test.err().contains("built-in defaults"), test.err());
        assertEquals(2, riposte("check", "--config", missing.toString()).code());
    }

    @Test
    void aDirectory_runsEachOfItsReactions_andADisabledRecipeIsReported_unlessForced() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("a.js"), "// @on *\nfunction process(data) { Info(\"a ran\"); }\n");
        Files.writeString(reactions.resolve("off.yaml"), """
                - kind: example
                  name: sleeping
                  enabled: false
                  reactions:
                    - format: js
                      code: |
                        function process(data) { Info("off ran"); }
                """);
        Result test = riposte("test", reactions.toString(), "--event", event.toString());
        assertEquals(0, test.code(), test.out() + test.err());
        assertTrue(test.out().contains("  log INFO: a ran\n"), test.out());
        assertTrue(
                test.out()
                        .contains(
                                "reaction  sleeping (" + reactions.resolve("off.yaml") + ")\n"
                                        + "disabled  enabled: false: the daemon loads it but never runs it; not run (--force runs it)\n"),
                test.out());
        assertFalse(test.out().contains("off ran"), test.out());

        Result forced = riposte("test", reactions.toString(), "--event", event.toString(), "--force", "--json");
        List<JsonNode> runs = forced.out()
                .lines()
                .filter(l -> l.startsWith("{"))
                .map(AuthorLoopTest::json)
                .toList();
        assertEquals(
                List.of("a", "sleeping"),
                runs.stream().map(r -> r.path("reaction").asText()).toList());
        assertEquals("off ran", runs.get(1).path("log").path(0).path("message").asText());
    }

    @Test
    void aShellReaction_runsInBubblewrap_soJibrilsBackupReactionCopiesNothing_andTheTraceShowsItsOutput()
            throws Exception {
        // Jibril's documented backup reaction, which used to copy /etc/shadow into /var/backups/jibril during a test.
        Path reaction = dir.resolve("backup.sh");
        Path backups = Path.of(
                "/var/backups/riposte-author-test-" + ProcessHandle.current().pid());
        Files.writeString(reaction, """
                # @on name=crypto_miner_execution
                mkdir -p %1$s && cp /etc/hostname %1$s/ && echo copied
                echo "status so far: $?"
                exit 4
                """.formatted(backups));
        Result test = riposte("test", reaction.toString(), "--event", event.toString());
        assertEquals(1, test.code(), test.out() + test.err());
        assertTrue(
                test.out()
                        .contains("  log INFO: shell output: mkdir: cannot create directory '" + backups
                                + "': Read-only file system\n"),
                test.out());
        assertTrue(test.out().contains("  log INFO: shell output: status so far: 1\n"), test.out());
        assertTrue(test.out().contains("outcome   error (the shell exited with status 4) in "), test.out());
        assertTrue(
                test.out()
                        .contains("(the shell ran in bubblewrap: the system read-only, no network, no privileges; "
                                + "what it wrote is gone)"),
                test.out());
        assertFalse(Files.exists(backups), "nothing reached the host");
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void check_warnsWithFileAndLine_whereAReactionReadsPathsRealEventsDoNotHave_inJavaScriptAndInJq() throws Exception {
        Path js = dir.resolve("legacy.js");
        Files.writeString(js, """
                // @on kind=flow
                function process(data) {
                  for (const p of data.background.flows.protocols) {
                    for (const pair of p.pairs) { Info(pair.remote.address); }
                  }
                  const argv = data.process.cmd.split(" ");
                }
                """);
        Path sh = dir.resolve("legacy-jq.sh");
        Files.writeString(sh, """
                # @on kind=flow
                jq -r '.background.flows.protocols[].pairs[].remote.address' "$REACTION_DATA_FILE"
                jq -r '.process.args[]' "$REACTION_DATA_FILE"
                jq -r '.file.path' "$REACTION_DATA_FILE"
                """);
        Result check = riposte("check", js.toString(), sh.toString());
        assertEquals(0, check.code(), "warnings, not errors: " + check.out());
        String pairs = "background.flows.protocols[].pairs is only in the legacy flows aggregate; current events list "
                + "their peers in background.flow_list[] (.remote.address, .remote.names), and NetBlockIp() and "
                + "NetBlockDomain() without arguments read both";
        assertEquals(
                List.of(
                        "warning: " + js + ":4: reaction legacy: " + pairs,
                        "warning: " + js
                                + ":6: reaction legacy: process.cmd is the short command name, not an argument vector; "
                                + "the whole command line is process.args (a string)",
                        "warning: " + sh + ":2: reaction legacy-jq: " + pairs,
                        "warning: " + sh
                                + ":3: reaction legacy-jq: process.args is a string in v1 events, not an array (jq: Cannot "
                                + "iterate over string)"),
                check.out().lines().filter(l -> l.startsWith("warning: ")).toList());
    }

    @Test
    void aBacktest_runsTheReactionsOverEveryEventOfAFile_andSummarisesWhatTheyWouldHaveDone() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("block.js"),
                "// @on name=crypto_miner_execution\n" + "function process(data) { NetBlockIp(); }\n");
        Files.writeString(
                reactions.resolve("notes.js"),
                "// @on kind=*\nfunction process(data) {\n"
                        + "  WriteFile(CreateTempDir(\"n-*\") + \"/e.json\", JSON.stringify(data));\n}\n");
        Path events = dir.resolve("jibril.out");
        // A saved stream: the samples, one line that is not an event, and the samples pretty-printed.
        Files.writeString(
                events,
                Files.readString(Samples.NDJSON) + "not json\n"
                        + Files.readString(Samples.DIR.resolve("01-execution-crypto-miner-xmrig.json")));
        Result text = riposte("test", reactions.toString(), "--events", events.toString());
        assertEquals(0, text.code(), text.out() + text.err());
        List<String> lines = text.out().lines().toList();
        assertTrue(
                lines.get(0)
                        .matches("events    13 read from " + java.util.regex.Pattern.quote(events.toString())
                                + " in [0-9.]+ s \\([0-9]+/s\\), 1 rejected \\(first: byte [0-9]+: .*\\)"),
                lines.get(0));
        assertEquals("reaction  block: 2 matched, 2 ok", lines.get(1));
        assertEquals("reaction  notes: 13 matched, 13 ok", lines.get(2));
        assertEquals("blocks    1: 203.0.113.80", lines.get(3), "the second block of it changed nothing");
        assertEquals("kills     none", lines.get(4));
        assertTrue(lines.get(5).startsWith("writes    13: /var/lib/riposte/evidence/n-"), lines.get(5));

        Result json = riposte("test", reactions.toString(), "--events", events.toString(), "--json");
        JsonNode summary = json(json.out().strip());
        assertEquals(13, summary.path("events").asInt());
        assertEquals(1, summary.path("rejected").asInt());
        assertEquals(
                2,
                summary.path("reactions")
                        .path("block")
                        .path("outcomes")
                        .path("ok")
                        .asInt());
        assertEquals("[\"203.0.113.80\"]", summary.path("would_block").toString());

        assertEquals(
                2,
                riposte("test", reactions.toString(), "--events", events.toString(), "--event", events.toString())
                        .code(),
                "one of the two");
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
