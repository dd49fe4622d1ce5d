package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's log in a real journal: the test starts systemd-journald in a private mount namespace
 * (tmpfs on /run and /var/log, so the host's journal is untouched), runs the daemon there with
 * JOURNAL_STREAM set (log.target auto, as under systemd), sends events, and reads the entries back with
 * journalctl, filtered by field.
 */
@NeedsRoot("a systemd-journald of its own, started as root")
class JournaldTest {
    @TempDir
    Path dir;

    @Test
    void entriesCarryTheirFields_andMultiLineMessagesSurvive() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("say.js"),
                "// @on name=crypto_miner_execution\n"
                        + "function process(data) { Warn('two\\nlines'); NetBlockIp('127.0.0.1'); }\n");
        // Rejected with GraalJS's multi-line syntax error: a real multi-line MESSAGE.
        Files.writeString(reactions.resolve("broken.js"), "// @on *\nfunction process(data) { let x = ; }\n");
        // A run with 12,000 helper calls, and an event whose name is 300 KB: their entries must still arrive.
        Files.writeString(
                reactions.resolve("chatty.js"),
                "// @on name=crypto_miner_execution\n"
                        + "function process(data) { for (let i = 0; i < 12000; i++) Info('x'); }\n");
        Files.writeString(reactions.resolve("any.js"), "// @on name=A*\nfunction process(data) {}\n");
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
        Path events = dir.resolve("events.ndjson");
        Files.writeString(
                events,
                Samples.line("01") + "\n{\"uuid\":\"big-name\",\"metadata\":{\"name\":\"" + "A".repeat(300_000)
                        + "\"}}\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = String.join(
                "\n",
                "set -e",
                // Whatever fails, nothing started here outlives the script (or keeps the test reading its output).
                "DAEMON=; JOURNALD=; trap 'kill $DAEMON $JOURNALD 2>/dev/null || true' EXIT",
                "mount -t tmpfs tmpfs /run",
                "mount -t tmpfs tmpfs /var/log",
                "mkdir -p /run/systemd/journal",
                "/lib/systemd/systemd-journald & JOURNALD=$!",
                "for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done",
                "JOURNAL_STREAM=8:1 '" + java + "' -Xmx256m -Dpolyglot.engine.WarnInterpreterOnly=false"
                        + " --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp '"
                        + System.getProperty("java.class.path") + "' dev.riposte.Main run --config '" + config + "' > '"
                        + dir.resolve("console.log") + "' 2>&1 & DAEMON=$!",
                "for i in $(seq 600); do [ -S '" + dir.resolve("c.sock") + "' ] && break; sleep 0.05; done",
                "socat -u FILE:'" + events + "' UNIX-CONNECT:'" + dir.resolve("e.sock") + "'",
                "sleep 3",
                "kill $DAEMON; wait $DAEMON || true",
                "journalctl --no-pager --all -o json REACTION=say > '" + dir.resolve("say.json") + "'",
                "journalctl --no-pager --all -o json LOGGER=riposte.audit > '" + dir.resolve("audit.json") + "'",
                "journalctl --no-pager --all -o json SYSLOG_IDENTIFIER=riposte > '" + dir.resolve("all.json") + "'",
                "kill $JOURNALD; wait $JOURNALD || true");
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "bash", "-c", script)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);

        List<JsonNode> say = read(dir.resolve("say.json"));
        JsonNode warn = say.stream()
                .filter(e -> e.path("LOGGER").asText().equals("riposte.reaction"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no reaction entry in " + say));
        assertEquals("4", warn.path("PRIORITY").asText());
        assertEquals("two\\nlines", warn.path("MESSAGE").asText(), "Warn escapes control characters itself");
        assertEquals(Samples.event("01").uuid(), warn.path("EVENT_UUID").asText());
        JsonNode run = say.stream()
                .filter(e -> e.path("LOGGER").asText().equals("riposte.audit"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no run entry in " + say));
        assertEquals("ok", run.path("OUTCOME").asText());
        assertEquals("crypto_miner_execution", run.path("EVENT_NAME").asText());
        assertTrue(run.path("HELPERS").asText().contains("NetBlockIp(\"127.0.0.1\")=-1"), run.toString());
        assertTrue(run.path("DURATION_US").asLong() > 0);

        List<JsonNode> audit = read(dir.resolve("audit.json"));
        JsonNode chatty = audit.stream()
                .filter(e -> e.path("REACTION").asText().equals("chatty"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the 12,000-call run never reached the journal: " + audit));
        assertTrue(
                chatty.path("HELPERS")
                        .asText()
                        .endsWith(", ... 11936 more calls (riposte audit --event shows what was " + "recorded)]"),
                chatty.path("HELPERS").asText().substring(0, 100));
        JsonNode big = audit.stream()
                .filter(e -> e.path("EVENT_UUID").asText().equals("big-name"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the 300 KB event name's run never reached the journal"));
        assertTrue(big.path("EVENT_NAME").asText().startsWith("AAAA"));
        assertTrue(big.path("EVENT_NAME").asText().endsWith("...[cut: 300000 bytes in all]"));
        assertTrue(big.path("EVENT_NAME").asText().length() <= 16 * 1024);

        List<JsonNode> all = read(dir.resolve("all.json"));
        assertTrue(
                all.stream().anyMatch(e -> e.path("MESSAGE").asText().startsWith("ready: 3 reactions loaded")),
                all.toString());
        assertTrue(
                all.stream().allMatch(e -> e.path("SYSLOG_IDENTIFIER").asText().equals("riposte")));
        JsonNode rejected = all.stream()
                .filter(e -> e.path("MESSAGE").asText().startsWith("reaction rejected: "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no rejection in " + all));
        assertEquals("3", rejected.path("PRIORITY").asText());
        assertTrue(rejected.path("MESSAGE").asText().contains("\n"), "multi-line, whole: " + rejected);
        assertEquals(
                "",
                Files.readString(dir.resolve("console.log"))
                        .lines()
                        .filter(l -> l.contains(" INFO "))
                        .findFirst()
                        .orElse(""),
                "the console stays quiet: the log is in the journal");
    }

    @Test
    void aMultiLineMessage_isSentLengthPrefixed_andReadBackWhole() throws Exception {
        byte[] entry = dev.riposte.service.JournalTestAccess.entry("line one\nline two\ttab", "riposte.test");
        String text = new String(entry, StandardCharsets.ISO_8859_1);
        assertTrue(
                text.startsWith("PRIORITY=6\nSYSLOG_IDENTIFIER=riposte\nLOGGER=riposte.test\nREACTION=r\nMESSAGE\n"),
                text);
        int at = text.indexOf("MESSAGE\n") + "MESSAGE\n".length();
        long length = java.nio.ByteBuffer.wrap(entry, at, 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong();
        assertEquals("line one\nline two\ttab".getBytes(StandardCharsets.UTF_8).length, length);
        assertEquals("line one\nline two\ttab\n", text.substring(at + 8));
    }

    private static List<JsonNode> read(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(json.readTree(line));
            }
        }
        return out;
    }
}
