package dev.riposte.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.audit.AuditRecord;
import dev.riposte.daemon.Components;
import dev.riposte.effect.state.StateStore;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory bombs of every kind in a daemon with the launcher's heap (its own JVM, -Xmx256m, two workers):
 * in process(), at a file's top level at start and at a hot reload, runs that each stay within their
 * budget, and a store that holds more than a run may read. Every bomb ends its run with an error that
 * names the limit; the daemon survives and keeps serving.
 */
class MemoryTest {
    @TempDir
    Path dir;

    /** Each reaction and the start of the detail its run must end with. */
    private static final Map<String, String> BOMBS = new LinkedHashMap<>();

    static {
        BOMBS.put(
                "array-buffer",
                "new ArrayBuffer(2**30)|RangeError: Array buffer allocation failed (a typed array or "
                        + "array buffer may have at most 2097152 elements in a run");
        BOMBS.put(
                "repeat",
                "'x'.repeat(2**28)|RangeError: Invalid string length (a string may have at most 8388608 "
                        + "characters in a run");
        BOMBS.put(
                "uint8",
                "new Uint8Array(200 * 2**20)|RangeError: Invalid typed array length: 209715200 (a typed array");
        BOMBS.put(
                "fill",
                "new Array(60e6).fill(0)|RangeError: Array.prototype.fill: the array has 60000000 elements; "
                        + "at most 2097152");
        BOMBS.put("join", "new Array(2**27).join('ab')|RangeError: Invalid string length (a string may have at most");
        BOMBS.put(
                "hold-a",
                "const keep = []; for (let i = 0; i < 120; i++) keep.push(new Uint8Array(1 << 20)); keep.length"
                        + "|stopped: the run allocated more than reactions.max_alloc_bytes");
        BOMBS.put(
                "hold-b",
                "const keep = []; for (let i = 0; i < 120; i++) keep.push('y'.repeat(1 << 20) + i); keep.length"
                        + "|stopped: the run allocated more than reactions.max_alloc_bytes");
        BOMBS.put(
                "json",
                "JSON.parse('[' + '{\"a\":1},'.repeat(40000) + '0]')|RangeError: JSON.parse: the text has more than "
                        + "16384 members");
        // Object spread builds its object in one step that cancellation cannot interrupt, at ~1-2 KiB per
        // property: a 2-million-character string fills the heap (about 16 s of full collections here) until
        // the run's own allocation fails. The run ends; the daemon does not.
        BOMBS.put("spread-array", "const a = []; for (let i = 0; i < 1e6; i++) a.push(i); ({...a})|stopped: ");
        BOMBS.put("spread-string", "({...'x'.repeat(2e6)})|stopped: ");
        BOMBS.put(
                "values",
                "if (DataValues() === '') throw new Error(Errno())|Error: DataValues: the 2400 values hold at least");
    }

    @Test
    void theLaunchersJvmOptions_areTheOnesTestedHere() throws Exception {
        assertTrue(
                Files.readString(Path.of("bin/riposte"))
                        .contains("mapfile -t jvm_defaults < <(grep -Ev "
                                + "'^[[:space:]]*(#|$)' \"$here/bin/jvm-options\")"),
                "the launcher reads the file the tests read");
        assertTrue(
                DaemonProcess.LAUNCHER_JVM.contains("-Xmx256m"),
                "the heap these bombs are sized for: " + DaemonProcess.LAUNCHER_JVM);
    }

    @Test
    void noAllocation_endsTheDaemon_andEveryBombNamesItsLimit() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        for (Map.Entry<String, String> bomb : BOMBS.entrySet()) {
            String code = bomb.getValue().split("\\|")[0];
            Files.writeString(
                    reactions.resolve(bomb.getKey() + ".js"),
                    "// @on name=crypto_miner_execution\n"
                            + "// @timeout 20s\n// @name " + (bomb.getKey().equals("values") ? "filled" : bomb.getKey())
                            + "\n"
                            + "function process(d) { " + code + "; }\n");
        }
        // At a file's top level: before process exists the file is rejected; after (hoisted), every run fails.
        Files.writeString(
                reactions.resolve("top-level.js"), "// @on *\n'x'.repeat(2**28);\nvar process = function (d) {};\n");
        Files.writeString(
                reactions.resolve("top-hoisted.js"), "// @on *\nnew ArrayBuffer(2**30);\nfunction process(d) {}\n");
        Files.writeString(reactions.resolve("ok.js"), "// @on *\nfunction process(d) { Info(uuid); }\n");
        Path db = dir.resolve("state.db");
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            String value = "v".repeat(64 * 1024 - 8);
            store.transaction(c -> {
                try (var insert =
                        c.prepareStatement("INSERT INTO kv (namespace, key, value) VALUES ('filled', ?, ?)")) {
                    for (int i = 0; i < 2400; i++) {
                        insert.setString(1, "k" + i);
                        insert.setString(2, value);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                return null;
            });
        }
        Path config = DaemonProcess.writeConfig(
                dir, reactions, db, "dispatch: {workers: 2}\nnetpolicy: {backend: dry-run}\n");
        try (DaemonProcess daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
            JsonNode stats = daemon.stats();
            assertEquals(
                    reactions.resolve("top-level.js") + ":2: the top-level code failed before process was defined: "
                            + "RangeError: Invalid string length (a string may have at most 8388608 characters in a run: "
                            + "reactions.max_alloc_bytes / 4)",
                    stats.path("reactions").path("rejected").get(0).asText());

            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("01"));
            List<AuditRecord> runs = DaemonProcess.audit(db, BOMBS.size() + 2);
            assertTrue(daemon.process().isAlive(), daemon.log());
            Map<String, AuditRecord> byReaction = new LinkedHashMap<>();
            runs.forEach(r -> byReaction.put(r.reaction(), r));
            for (Map.Entry<String, String> bomb : BOMBS.entrySet()) {
                AuditRecord r = byReaction.get(bomb.getKey().equals("values") ? "filled" : bomb.getKey());
                String expected = bomb.getValue().split("\\|")[1];
                assertEquals("error", r.outcome(), bomb.getKey() + ": " + r);
                assertTrue(r.detail().startsWith(expected), bomb.getKey() + ": " + r.detail());
            }
            assertEquals("ok", byReaction.get("ok").outcome());
            assertEquals(
                    "RangeError: Array buffer allocation failed (a typed array or array buffer may have at most 2097152 "
                            + "elements in a run: reactions.max_alloc_bytes / 16) (line 2)",
                    byReaction.get("top-hoisted").detail());

            // A bomb at a file's top level copied in under the running daemon is rejected the same way.
            Files.writeString(
                    reactions.resolve("later.js"), "// @on *\nnew Array(60e6).fill(0);\nvar process = () => 0;\n");
            daemon.reload();
            assertTrue(
                    daemon.stats()
                            .path("reactions")
                            .path("rejected")
                            .toString()
                            .contains(
                                    "later.js:2: the top-level code failed before process was defined: RangeError: Array.prototype.fill"),
                    daemon.stats().toString());

            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("02"));
            assertEquals(2, daemon.awaitDone(2).path("events").path("done").asLong());
            assertTrue(daemon.process().isAlive(), daemon.log());
        }
    }

    @Test
    void checkAndTest_reportBombs_withoutEnding() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("top.js"), "// @on *\n'x'.repeat(2**28);\nvar process = function (d) {};\n");
        Files.writeString(reactions.resolve("fill.js"), "// @on *\nfunction process(d) { new Array(60e6).fill(0); }\n");
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
        Path event = dir.resolve("event.json");
        Files.writeString(event, Samples.line("01"));

        DaemonProcess.Cli check = DaemonProcess.cli("check", "--config", config.toString());
        assertEquals(1, check.status(), check.output());
        assertTrue(
                check.output()
                        .contains(
                                "error: " + reactions.resolve("top.js") + ":2: the top-level code failed before "
                                        + "process was defined: RangeError: Invalid string length (a string may have at most 8388608 characters"),
                check.output());

        DaemonProcess.Cli test =
                DaemonProcess.cli("test", "fill", "--event", event.toString(), "--config", config.toString());
        assertEquals(1, test.status(), test.output());
        assertTrue(
                test.output()
                        .contains("outcome   error (RangeError: Array.prototype.fill: the array has 60000000 "
                                + "elements; at most 2097152"),
                test.output());
    }
}
