package dev.riposte.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.Effects;
import dev.riposte.effect.files.LocalFiles;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReadFile, Stat and RemoveDir on the real file system, with read roots, the deny list and limits. */
class FileHelpersTest {
    @TempDir
    Path tmp;

    Path evidence;
    Path readable;
    Path db;
    Sandbox sandbox;

    @BeforeEach
    void start() throws Exception {
        evidence = tmp.resolve("evidence");
        readable = Files.createDirectories(tmp.resolve("logs"));
        db = tmp.resolve("logs/state.db");
        LocalFiles files = new LocalFiles(
                new RiposteConfig.Evidence(evidence, 100, Duration.ofDays(7), 1L << 30),
                new RiposteConfig.Files(List.of(), List.of(readable, evidence), List.of(readable + "/secret*"), 64),
                List.of(db));
        files.prepare();
        sandbox = TestSandboxes.create(Effects.refusing("off").withFiles(files));
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private List<String> calls(String body) throws Exception {
        Reaction r = TestSandboxes.load(sandbox, tmp, "r", "// @on *\nfunction process(data) { " + body + " }");
        RunResult result = sandbox.run(r, Samples.event("02"));
        assertEquals(new Outcome.Ok(), result.outcome(), result.toString());
        return TestSandboxes.calls(result.calls());
    }

    private static String js(Path p) {
        return "'" + p + "'";
    }

    @Test
    void readFile_returnsTheText_withinTheRootsAndTheLimit() throws Exception {
        Files.writeString(readable.resolve("auth.log"), "line 1\nline 2 é\n");
        Files.write(readable.resolve("bad-utf8"), new byte[] {'a', (byte) 0xff, 'b'});
        Files.writeString(readable.resolve("big"), "x".repeat(65));
        Files.writeString(readable.resolve("exact"), "x".repeat(64));
        assertEquals(
                List.of(
                        "ReadFile(\"" + readable + "/auth.log\")=\"line 1\\nline 2 é\\n\"",
                        "ReadFile(\"" + readable + "/bad-utf8\")=\"a\uFFFDb\"",
                        "ReadFile(\"" + readable + "/exact\")=\"" + "x".repeat(64) + "\"",
                        "ReadFile(\"" + readable + "/big\")=\"\" errno=ReadFile: \"" + readable
                                + "/big\" has more than 64 bytes " + "(files.max_read_bytes)",
                        "ReadFile(\"" + readable + "/none\")=\"\" errno=ReadFile: \"" + readable
                                + "/none\" does not exist",
                        "ReadFile(\"" + readable + "\")=\"\" errno=ReadFile: \"" + readable
                                + "\" is a directory, not a regular file"),
                calls("ReadFile(" + js(readable.resolve("auth.log")) + "); ReadFile(" + js(readable.resolve("bad-utf8"))
                        + "); ReadFile(" + js(readable.resolve("exact")) + "); ReadFile(" + js(readable.resolve("big"))
                        + "); ReadFile(" + js(readable.resolve("none")) + "); ReadFile(" + js(readable) + ");"));
    }

    @Test
    void readFile_refusesPathsOutsideTheRoots_denied_orReachedThroughALink() throws Exception {
        Files.writeString(readable.resolve("secret.key"), "k");
        Files.writeString(db, "db");
        Files.writeString(tmp.resolve("outside"), "o");
        Files.createSymbolicLink(readable.resolve("link"), tmp.resolve("outside"));
        assertEquals(
                List.of(
                        "ReadFile(\"" + tmp + "/outside\")=\"\" errno=ReadFile: refused: \"" + tmp
                                + "/outside\" is outside " + "files.read_roots [" + readable + ", " + evidence + "]",
                        "ReadFile(\"" + readable + "/link\")=\"\" errno=ReadFile: refused: \"" + readable
                                + "/link\" (which " + "resolves to " + tmp + "/outside) is outside files.read_roots ["
                                + readable + ", " + evidence + "]",
                        "ReadFile(\"" + readable + "/secret.key\")=\"\" errno=ReadFile: refused: \"" + readable
                                + "/secret.key\" " + "is denied by files.read_deny entry " + readable + "/secret*",
                        "ReadFile(\"" + db + "\")=\"\" errno=ReadFile: refused: \"" + db + "\" is riposte's own state ("
                                + db + ")",
                        "ReadFile(\"logs/x\")=\"\" errno=ReadFile: refused: \"logs/x\" is not an absolute path",
                        "ReadFile(1)=\"\" errno=ReadFile: argument 1 (path) must be a string, got number"),
                calls("ReadFile(" + js(tmp.resolve("outside")) + "); ReadFile(" + js(readable.resolve("link"))
                        + "); ReadFile(" + js(readable.resolve("secret.key")) + "); ReadFile(" + js(db)
                        + "); ReadFile('logs/x'); ReadFile(1);"));
    }

    @Test
    void readFile_refusesAFifo_insteadOfBlockingOnIt() throws Exception {
        Path fifo = readable.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(
                List.of("ReadFile(\"" + fifo + "\")=\"\" errno=ReadFile: \"" + fifo
                        + "\" is a FIFO, not a regular file"),
                calls("ReadFile(" + js(fifo) + ");"));
    }

    @Test
    void stat_describesFilesAndDirectories() throws Exception {
        Path f = readable.resolve("f");
        Files.writeString(f, "12345");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2026-07-23T08:14:22Z")));
        assertEquals(
                List.of(
                        "Info(\"{\\\"size\\\":5,\\\"mode\\\":416,\\\"modTime\\\":1784794462,\\\"isDir\\\":false}\")=0",
                        "Info(\"true\")=0",
                        "Stat(\"" + readable + "/none\")=null errno=Stat: \"" + readable + "/none\" does not exist",
                        "Stat(\"/etc/hostname\")=null errno=Stat: refused: \"/etc/hostname\" is outside files.read_roots ["
                                + readable + ", " + evidence + "]"),
                calls("Info(JSON.stringify(Stat(" + js(f) + "))); Info(String(Stat(" + js(readable) + ").isDir));"
                                + "Stat(" + js(readable.resolve("none")) + "); Stat('/etc/hostname');")
                        .stream()
                        .filter(c -> !c.startsWith("Stat(\"" + readable + "/f\")")
                                && !c.startsWith("Stat(\"" + readable + "\")"))
                        .toList());
    }

    @Test
    void removeDir_removesAnEvidenceTree_andNothingElse() throws Exception {
        Path keep = Files.createDirectories(tmp.resolve("keep"));
        List<String> calls = calls("""
                const d = CreateTempDir('case-*');
                WriteFile(d + '/a.txt', 'a');
                Info(String(RemoveDir(d)));
                Info(String(RemoveDir(d)));
                RemoveDir('%s');
                RemoveDir('%s');
                """.formatted(keep, evidence));
        assertEquals("Info(\"0\")=0", calls.get(3));
        assertEquals("Info(\"1\")=0", calls.get(5));
        assertEquals(
                "RemoveDir(\"" + keep + "\")=-1 errno=RemoveDir: refused: \"" + keep
                        + "\" is outside the allowed roots [" + evidence
                        + "] (RemoveDir works only under evidence.dir)",
                calls.get(6));
        assertTrue(calls.get(7).startsWith("RemoveDir(\"" + evidence + "\")=-1"), calls.get(7));
        assertTrue(Files.isDirectory(keep));
        assertTrue(Files.isDirectory(evidence));
        try (var list = Files.list(evidence)) {
            assertEquals(0, list.count());
        }
    }

    @Test
    void removeDir_deletesALinkInsideTheTree_notItsTarget() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("target"));
        Files.writeString(target.resolve("precious"), "p");
        Path dir = Files.createDirectories(evidence.resolve("case"));
        Files.createSymbolicLink(dir.resolve("link"), target);
        assertEquals(List.of("RemoveDir(\"" + dir + "\")=0"), calls("RemoveDir(" + js(dir) + ");"));
        assertFalse(Files.exists(dir));
        assertTrue(Files.exists(target.resolve("precious")));
    }
}
