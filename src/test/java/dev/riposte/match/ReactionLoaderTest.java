package dev.riposte.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReactionLoaderTest {
    private static Sandbox sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sandbox = TestSandboxes.withoutEffects();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private ReactionSet load() {
        return new ReactionLoader(sandbox, TestSandboxes.shell(Path.of("/tmp")), Duration.ofMillis(700))
                .loadDirectory(dir);
    }

    private void write(String name, String text) throws Exception {
        Files.writeString(dir.resolve(name), text);
    }

    @Test
    void goodFile_isLoaded_withNameTimeoutAndHash() throws Exception {
        write("kill.js", "// @on *\n// @timeout 250ms\nfunction process(data) {}\n");
        write("b.js", "// @on *\n// @name custom\nfunction process(data) {}\n");
        write("notes.txt", "not a reaction");
        ReactionSet set = load();
        assertEquals(List.of(), set.rejected());
        assertEquals(
                List.of("custom", "kill"),
                set.loaded().stream().map(Reaction::name).toList());
        Reaction kill = set.loaded().get(1);
        assertEquals(Duration.ofMillis(250), kill.timeout());
        assertEquals(Duration.ofMillis(700), set.loaded().get(0).timeout());
        assertEquals(64, kill.hash().length());
    }

    @Test
    void badFiles_areRejectedWithFileAndLine_andTheOthersStillLoad() throws Exception {
        write("a-good.js", "// @on *\nfunction process(data) {}\n");
        write("b-syntax.js", "// @on *\nfunction process(data) {\n  let x = ;\n}\n");
        write("c-noprocess.js", "// @on *\nfunction handle(data) {}\n");
        write("d-header.js", "// @on *\n// @speed max\nfunction process(data) {}\n");
        write("e-notfunction.js", "// @on *\nvar process = 42;\n");
        write("f-loops.js", "// @on *\nwhile (true) {}\nfunction process(data) {}\n");
        ReactionSet set = load();
        assertEquals(
                List.of("a-good"), set.loaded().stream().map(Reaction::name).toList());
        List<String> rejected = set.rejected().stream().map(Rejection::toString).toList();
        assertEquals(5, rejected.size(), rejected.toString());
        assertTrue(rejected.get(0).startsWith(dir.resolve("b-syntax.js") + ":3: syntax error: "), rejected.get(0));
        assertEquals(
                dir.resolve("c-noprocess.js")
                        + ":1: no process function; a reaction defines function process(data) { ... }",
                rejected.get(1));
        assertEquals(
                dir.resolve("d-header.js") + ":2: unknown directive @speed (known: @on, @name, @timeout, @enabled)",
                rejected.get(2));
        assertEquals(
                dir.resolve("e-notfunction.js")
                        + ":1: no process function; a reaction defines function process(data) { ... }",
                rejected.get(3));
        assertEquals(
                dir.resolve("f-loops.js")
                        + ":1: the top-level code did not finish within 1000 ms while the file was checked",
                rejected.get(4));
    }

    @Test
    void topLevelThatThrowsAfterDefiningProcess_isKept() throws Exception {
        write("a.js", "// @on *\nfunction process(data) {}\ndata.process.pid;\n");
        assertEquals(1, load().loaded().size());
    }

    @Test
    void topLevelThatThrowsBeforeProcessExists_isRejectedWithItsLine() throws Exception {
        write("a.js", "// @on *\nthrow new Error('no');\nvar process = function (d) {};\n");
        assertEquals(
                dir.resolve("a.js") + ":2: the top-level code failed before process was defined: Error: no",
                load().rejected().getFirst().toString());
    }

    @Test
    void duplicateName_losesToTheEarlierFile() throws Exception {
        write("a.js", "// @on *\n// @name same\nfunction process(data) {}\n");
        write("b.js", "// @on *\n// @name same\nfunction process(data) {}\n");
        ReactionSet set = load();
        assertEquals(1, set.loaded().size());
        assertEquals(
                dir.resolve("b.js") + ":2: reaction name \"same\" is already used by " + dir.resolve("a.js"),
                set.rejected().getFirst().toString());
    }

    @Test
    void worldWritableFile_isRefused() throws Exception {
        write("a.js", "// @on *\nfunction process(data) {}\n");
        Files.setPosixFilePermissions(dir.resolve("a.js"), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(
                dir.resolve("a.js") + ":1: the file is writable by every user; refusing to run it (chmod o-w)",
                load().rejected().getFirst().toString());
    }

    @NeedsRoot("chown to another user")
    @Test
    void fileOwnedByAnotherUser_isRefused() throws Exception {
        write("a.js", "// @on *\nfunction process(data) {}\n");
        Files.setAttribute(dir.resolve("a.js"), "unix:uid", 65534);
        assertEquals(
                dir.resolve("a.js")
                        + ":1: the file is owned by uid 65534; reactions must belong to root or to riposte's own user",
                load().rejected().getFirst().toString());
    }

    @Test
    void invalidUtf8_isRefused() throws Exception {
        Files.write(dir.resolve("a.js"), new byte[] {'/', '/', ' ', '@', 'o', 'n', ' ', '*', '\n', (byte) 0xff, '\n'});
        assertEquals(
                dir.resolve("a.js") + ":1: the file is not valid UTF-8",
                load().rejected().getFirst().toString());
    }

    @Test
    void missingDirectory_isOneRejection() {
        ReactionSet set = new ReactionLoader(sandbox, TestSandboxes.shell(Path.of("/tmp")), Duration.ofSeconds(1))
                .loadDirectory(dir.resolve("nope"));
        assertEquals(0, set.loaded().size());
        assertTrue(set.rejected()
                .getFirst()
                .toString()
                .startsWith(dir.resolve("nope") + ":1: cannot list the reactions directory"));
    }
}
