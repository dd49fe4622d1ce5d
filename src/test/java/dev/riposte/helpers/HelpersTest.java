package dev.riposte.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.base.Text;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.files.LocalFiles;
import dev.riposte.effect.netpolicy.DisabledNetPolicy;
import dev.riposte.effect.netpolicy.Enforcer;
import dev.riposte.event.Event;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestNet;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helpers as a reaction sees them: real sandbox, real evidence files, dry-run netpolicy behind the real guard. */
class HelpersTest {
    @TempDir
    Path tmp;

    Path evidence;
    Enforcer net;
    Sandbox sandbox;

    @BeforeEach
    void start() throws Exception {
        evidence = tmp.resolve("evidence");
        LocalFiles files = TestSandboxes.localFiles(evidence, List.of(tmp.resolve("out")), List.of(tmp), 1000);
        files.prepare();
        Files.createDirectories(tmp.resolve("out"));
        net = TestNet.dryRun(java.time.Clock.systemUTC());
        sandbox = TestSandboxes.create(files, net);
    }

    @AfterEach
    void stop() {
        sandbox.close();
        net.close();
    }

    private RunResult run(String body, Event event) throws Exception {
        Reaction r = TestSandboxes.load(sandbox, tmp, "r", "// @on *\n" + body);
        RunResult result = sandbox.run(r, event);
        assertEquals(new Outcome.Ok(), result.outcome(), result.toString());
        return result;
    }

    /** The helper calls of a run whose process() is {@code calls}. */
    private List<String> calls(String calls) throws Exception {
        return TestSandboxes.calls(run("function process(data) { " + calls + " }", Samples.event("01"))
                .calls());
    }

    @Test
    void errno_isEmptyUntilAHelperFails_thenKeepsTheLastError() throws Exception {
        assertEquals(
                List.of(
                        "Info(\"\")=0",
                        "NetBlockIp(\"localhost\")=-1 errno=NetBlockIp: \"localhost\" is not a literal IPv4 or IPv6 address (host names are not resolved)",
                        "Info(\"NetBlockIp: \\\"localhost\\\" is not\")=0",
                        "Info(\"NetBlockIp: \\\"localhost\\\" is not\")=0"),
                calls(
                        "Info(Errno()); NetBlockIp('localhost'); Info(Errno().substring(0, 30)); Info(Errno().substring(0, 30));"));
    }

    @Test
    void netBlockIp_refusesNonLiterals_withAClearErrno() throws Exception {
        assertEquals(
                List.of(
                        "NetBlockIp(\"localhost\")=-1 errno=NetBlockIp: \"localhost\" is not a literal IPv4 or IPv6 address (host names are not resolved)",
                        "NetBlockIp(\"1.2.3.4; flush ruleset\")=-1 errno=NetBlockIp: \"1.2.3.4; flush ruleset\" is not a literal IPv4 or IPv6 address (host names are not resolved)",
                        "NetBlockIp(\"999.1.1.1\")=-1 errno=NetBlockIp: \"999.1.1.1\" is not an IPv4 address (999 > 255)",
                        "NetBlockIp(\"\")=-1 errno=NetBlockIp: an IP address is required, got an empty string",
                        "NetBlockIp(\"fe80::1%eth0\")=-1 errno=NetBlockIp: \"fe80::1%eth0\" is not a literal IPv4 or IPv6 address (host names are not resolved)"),
                calls(
                        "NetBlockIp('localhost'); NetBlockIp('1.2.3.4; flush ruleset'); NetBlockIp('999.1.1.1'); NetBlockIp(''); NetBlockIp('fe80::1%eth0');"));
        assertEquals(0, net.status().blocked());
    }

    @Test
    void netBlockIp_refusesNeverBlock() throws Exception {
        assertEquals(
                List.of(
                        "NetBlockIp(\"127.0.0.1\")=-1 errno=NetBlockIp: refused 127.0.0.1: inside never_block 127.0.0.0/8",
                        "NetBlockIp(\"::1\")=-1 errno=NetBlockIp: refused ::1: inside never_block ::1/128",
                        "NetBlockIp(\"169.254.169.254\")=-1 errno=NetBlockIp: refused 169.254.169.254: inside never_block 169.254.0.0/16",
                        "NetBlockIp(\"fe80::1\")=-1 errno=NetBlockIp: refused fe80::1: inside never_block fe80::/10",
                        "NetBlockIp(\"0.0.0.0\")=-1 errno=NetBlockIp: refused 0.0.0.0: not a unicast address"),
                calls(
                        "NetBlockIp('127.0.0.1'); NetBlockIp('::1'); NetBlockIp('169.254.169.254'); NetBlockIp('fe80::1'); NetBlockIp('0.0.0.0');"));
    }

    @Test
    void netBlockIp_blocksOnce_thenReportsAlreadyBlocked() throws Exception {
        assertEquals(
                List.of(
                        "NetBlockIp(\"203.0.113.7\")=0",
                        "NetBlockIp(\"203.0.113.7\")=1",
                        "NetBlockIp(\"2001:db8::7\")=0"),
                calls("NetBlockIp('203.0.113.7'); NetBlockIp('203.0.113.7'); NetBlockIp('2001:db8::7');"));
        assertEquals(2, net.status().blocked());
    }

    @Test
    void netBlockIp_withoutArgument_blocksEveryRemoteAddressOfTheEvent() throws Exception {
        RunResult r = run("function process(data) { NetBlockIp(); NetBlockIp(); }", Samples.event("06"));
        assertEquals("[NetBlockIp()=0, NetBlockIp()=1]", r.calls().toString());
        assertEquals(3, net.status().blocked());
    }

    @Test
    void netBlockIp_withoutArgument_reportsEveryRefusal() throws Exception {
        Event event = new dev.riposte.event.EventParser()
                .parse("{\"uuid\":\"u\",\"flow\":{\"remote\":{\"address\":\"127.0.0.9\"}},\"ip\":\"198.51.100.9\"}", 0);
        RunResult r = run("function process(data) { NetBlockIp(); }", event);
        assertEquals(
                "NetBlockIp: refused 127.0.0.9: inside never_block 127.0.0.0/8",
                r.calls().getFirst().errno());
        assertEquals(1, net.status().blocked(), "the allowed address is still blocked");
    }

    @Test
    void netBlockIp_whenDisabled_saysTheFeatureIsOffAndWhy() throws Exception {
        sandbox.close();
        sandbox = TestSandboxes.create(
                TestSandboxes.localFiles(evidence, List.of(), List.of(tmp), 1000),
                new DisabledNetPolicy("netpolicy.backend is auto but nftables cannot be used: nft failed: x"));
        assertEquals(
                List.of("NetBlockIp(\"203.0.113.7\")=-1 errno=NetBlockIp: the netpolicy feature is off: "
                        + "netpolicy.backend is auto but nftables cannot be used: nft failed: x"),
                calls("NetBlockIp('203.0.113.7');"));
    }

    @Test
    void wrongArgumentTypesAndCounts_returnTheErrorValue_andNameTheArgument() throws Exception {
        assertEquals(
                List.of(
                        "NetBlockIp(42)=-1 errno=NetBlockIp: argument 1 (ip) must be a string, got number",
                        "NetBlockIp(\"1.2.3.4\", \"5.6.7.8\")=-1 errno=NetBlockIp: expected 0 to 1 arguments, got 2",
                        "WriteFile(\"/x\")=-1 errno=WriteFile: expected 2 arguments, got 1",
                        "WriteFile(\"/x\", object)=-1 errno=WriteFile: argument 2 (data) must be a string, got object",
                        "CreateTempDir(null)=\"\" errno=CreateTempDir: argument 1 (pattern) must be a string, got null",
                        "Info()=-1 errno=Info: expected 1 argument, got 0"),
                calls(
                        "NetBlockIp(42); NetBlockIp('1.2.3.4', '5.6.7.8'); WriteFile('/x'); WriteFile('/x', {}); CreateTempDir(null); Info();"));
    }

    @Test
    void createTempDir_makesA0700DirectoryUnderEvidence_andWriteFile_a0600File() throws Exception {
        RunResult r = run("""
                function process(data) {
                  const dir = CreateTempDir('case-*');
                  if (WriteFile(dir + '/event.json', JSON.stringify(data.metadata)) !== 0) throw new Error(Errno());
                  WriteFile(dir + '/event.json', 'overwritten');
                }""", Samples.event("02"));
        try (var list = Files.list(evidence)) {
            Path dir = list.findFirst().orElseThrow();
            assertTrue(dir.getFileName().toString().matches("case-[0-9a-f]{12}"), dir.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            Path file = dir.resolve("event.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("overwritten", Files.readString(file));
            assertEquals(
                    "CreateTempDir(\"case-*\")=\"" + dir + "\"",
                    r.calls().getFirst().toString());
        }
    }

    @Test
    void createTempDir_refusesBadPatterns() throws Exception {
        assertEquals(
                List.of(
                        "CreateTempDir(\"../x*\")=\"\" errno=CreateTempDir: pattern \"../x*\" must be 1 to 64 characters of A-Z a-z 0-9 . _ - followed by *",
                        "CreateTempDir(\"case\")=\"\" errno=CreateTempDir: pattern \"case\" must be 1 to 64 characters of A-Z a-z 0-9 . _ - followed by *"),
                calls("CreateTempDir('../x*'); CreateTempDir('case');"));
    }

    @Test
    void writeFile_refusesPathsOutsideTheRoots_dotDot_andLimits() throws Exception {
        String ev = evidence.toString();
        assertEquals(
                List.of(
                        "WriteFile(\"/etc/riposte-test\", \"x\")=-1 errno=WriteFile: refused: \"/etc/riposte-test\" is outside the allowed roots ["
                                + ev + ", " + tmp.resolve("out") + "]",
                        "WriteFile(\"" + ev + "/../escape\", \"x\")=-1 errno=WriteFile: refused: \"" + ev
                                + "/../escape\" contains a '..' component",
                        "WriteFile(\"relative\", \"x\")=-1 errno=WriteFile: refused: \"relative\" is not an absolute path",
                        "WriteFile(\"" + ev + "\", \"x\")=-1 errno=WriteFile: refused: \"" + ev
                                + "\" is outside the allowed roots [" + ev + ", " + tmp.resolve("out") + "]",
                        "WriteFile(\"" + ev + "/big\", \"" + "y".repeat(Args.MAX_SUMMARY_CHARS)
                                + "...\")=-1 errno=WriteFile: data has 1001 bytes; the limit is 1000 (evidence.max_file_bytes)",
                        "WriteFile(\"" + ev + "/missing/f\", \"x\")=-1 errno=WriteFile: directory " + ev
                                + "/missing does not exist",
                        "WriteFile(\"" + tmp.resolve("out") + "/f\", \"x\")=0"),
                calls("WriteFile('/etc/riposte-test', 'x'); WriteFile('" + ev
                        + "/../escape', 'x'); WriteFile('relative', 'x');"
                        + "WriteFile('" + ev + "', 'x'); WriteFile('" + ev + "/big', 'y'.repeat(1001));"
                        + "WriteFile('" + ev + "/missing/f', 'x'); WriteFile('" + tmp.resolve("out") + "/f', 'x');"));
        assertFalse(Files.exists(Path.of("/etc/riposte-test")));
        assertFalse(Files.exists(tmp.resolve("escape")));
    }

    @Test
    void writeFile_refusesASymlinkPlantedInTheEvidenceDirectory() throws Exception {
        Files.createSymbolicLink(evidence.resolve("link"), Path.of("/etc"));
        Files.createSymbolicLink(evidence.resolve("passwd-link"), Path.of("/etc/riposte-test-target"));
        assertEquals(
                List.of(
                        "WriteFile(\"" + evidence + "/link/riposte-test\", \"x\")=-1 errno=WriteFile: refused: \""
                                + evidence + "/link\" is a symbolic link; no link may appear in the path",
                        "WriteFile(\"" + evidence + "/passwd-link\", \"x\")=-1 errno=WriteFile: refused: \"" + evidence
                                + "/passwd-link\" is a symbolic link; no link may appear in the path"),
                calls("WriteFile('" + evidence + "/link/riposte-test', 'x'); WriteFile('" + evidence
                        + "/passwd-link', 'x');"));
        assertFalse(Files.exists(Path.of("/etc/riposte-test")));
        assertFalse(Files.exists(Path.of("/etc/riposte-test-target")));
        // Removed here: JUnit warns on the console about a link out of its temporary directory.
        Files.delete(evidence.resolve("link"));
    }

    @Test
    void logHelpers_escapeControlCharacters_andCutLongMessages() {
        assertEquals("a\\nb\\u001b[31m\\u202e", Text.escape("a\nb\u001b[31m\u202e"));
        String cut = Text.forLog("z".repeat(Text.MAX_MESSAGE_CHARS + 10));
        assertTrue(cut.endsWith("z...[truncated 10 characters]"), cut);
    }
}
