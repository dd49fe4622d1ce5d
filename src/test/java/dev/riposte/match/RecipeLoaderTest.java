package dev.riposte.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jibril recipe files in the reactions directory. */
class RecipeLoaderTest {
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

    private ReactionSet load(String yaml) throws Exception {
        Files.writeString(dir.resolve("recipes.yaml"), yaml);
        return new ReactionLoader(sandbox, TestSandboxes.shell(Path.of("/tmp")), Duration.ofSeconds(1))
                .loadDirectory(dir);
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void eachReactionOfARecipe_handlesEventsWithTheRecipesName() throws Exception {
        ReactionSet set = load("""
                - kind: crypto_miner
                  name: crypto_miner_execution
                  enabled: true
                  version: 1.0
                  description: Miner started
                  breed: file_access
                  importance: critical
                  file_actions: [execve]
                  bases:
                    - base: xmrig
                  reactions:
                    - format: js
                      code: |
                        function process(data) {
                          KillCurrent();
                        }
                - kind: sudoers
                  name: sudoers_modification
                  enabled: false
                  reactions:
                    - format: js
                      code: "function process(data) { Info(uuid); }"
                    - format: shell
                      code: |
                        #!/bin/sh
                        echo "$EVENT_UUID"
                """);
        assertEquals(List.of(), set.rejected());
        assertEquals(
                List.of("crypto_miner_execution", "sudoers_modification.1", "sudoers_modification.2"),
                set.loaded().stream().map(Reaction::name).toList());
        Reaction miner = set.loaded().getFirst();
        assertTrue(miner.enabled());
        assertInstanceOf(Code.Js.class, miner.code());
        assertEquals(64, miner.hash().length());
        assertEquals(Duration.ofSeconds(1), miner.timeout());
        assertInstanceOf(Code.Shell.class, set.loaded().get(2).code());
        assertEquals(
                List.of(false, false),
                set.loaded().subList(1, 3).stream().map(Reaction::enabled).toList());
        ReactionIndex index = new ReactionIndex(set.loaded());
        assertEquals(
                List.of("crypto_miner_execution"),
                index.match(Samples.event("01")).stream().map(Reaction::name).toList());
        assertEquals(
                List.of("sudoers_modification.1", "sudoers_modification.2"),
                index.match(Samples.event("02")).stream().map(Reaction::name).toList());
        assertEquals(List.of(), index.match(Samples.event("03")));
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void jibrilsValidationErrors_areReportedWithTheirYamlLine_andTheRestLoads() throws Exception {
        ReactionSet set = load("""
                - name: good
                  reactions:
                    - format: js
                      code: "function process(d) {}"
                - name: no_code
                  reactions:
                    - format: js
                - name: bad_format
                  reactions:
                    - format: python
                      code: print(1)
                - name: no_process
                  reactions:
                    - format: js
                      code: |
                        // a comment
                        function handle(data) {}
                - name: js_syntax
                  reactions:
                    - format: js
                      code: |
                        function process(data) {
                          let x = ;
                        }
                - name: sh_syntax
                  reactions:
                    - format: shell
                      code: |
                        if true; then
                          echo
                - reactions: []
                - name: "bad name!"
                """);
        assertEquals(List.of("good"), set.loaded().stream().map(Reaction::name).toList());
        List<String> rejected =
                set.rejected().stream().map(r -> r.line() + ": " + r.message()).toList();
        assertEquals("7: recipe no_code, reaction no_code: missing code", rejected.get(0));
        assertEquals(
                "10: recipe bad_format, reaction bad_format: unknown format \"python\" (js or shell)", rejected.get(1));
        assertEquals(
                "16: recipe no_process, reaction no_process: no process function; a reaction defines "
                        + "function process(data) { ... }",
                rejected.get(2));
        assertTrue(
                rejected.get(3).startsWith("23: recipe js_syntax, reaction js_syntax: syntax error: "),
                rejected.get(3));
        assertTrue(
                rejected.get(4).startsWith("31: recipe sh_syntax, reaction sh_syntax: shell syntax error: "),
                rejected.get(4));
        assertEquals("31: the recipe: missing name", rejected.get(5));
        assertEquals(
                "32: recipe name \"bad name!\" must be 1 to 63 characters of A-Z a-z 0-9 . _ - starting with a "
                        + "letter or digit",
                rejected.get(6));
        assertEquals(7, rejected.size());
    }

    @Test
    void aFileThatIsNotAListOfRecipes_isRejected() throws Exception {
        assertEquals(
                List.of("2: a recipe file is a list of recipes (- name: ...)"),
                load("# comment\nname: x\n").rejected().stream()
                        .map(r -> r.line() + ": " + r.message())
                        .toList());
        assertEquals(
                "not valid YAML",
                load("- name: [\n").rejected().getFirst().message().substring(0, 14));
    }
}
