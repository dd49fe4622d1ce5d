package dev.riposte.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.audit.AuditRecord;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.HostProcesses;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shell reactions that try to act outside their rails, in a daemon started by root (inside a network
 * namespace of the test's, so a broken rail could only touch that namespace's firewall): they run
 * unprivileged, cannot see or signal riposte, leave no process behind whatever they fork, and keep to
 * their deadline. A daemon that cannot isolate them refuses them and says why.
 */
@NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
class ShellTest {
    @TempDir
    Path dir;

    @Test
    void shellReactions_runUnprivileged_leaveNothingBehind_andKeepTheirDeadline() throws Exception {
        String marker = "5" + System.nanoTime() % 1_000_000;
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        // Each escape that works sets a bit of the exit status.
        Files.writeString(reactions.resolve("escape.sh"), """
                # @on name=shell_escape
                pid=$(sed -n 's/.*"riposte_pid":\\([0-9]*\\).*/\\1/p' "$REACTION_DATA_FILE")
                s=0
                cat /etc/shadow >/dev/null 2>&1 && s=$((s | 1))
                nft add table inet riposte_escape >/dev/null 2>&1 && s=$((s | 2))
                kill -9 "$pid" 2>/dev/null && s=$((s | 4))
                [ -e "/proc/$pid" ] && s=$((s | 8))
                [ "$(id -u)" = 0 ] && s=$((s | 16))
                setsid sleep %1$s.1 >/dev/null 2>&1 &
                (sh -c 'sleep %1$s.2 >/dev/null 2>&1 &' &)
                exit $s
                """.formatted(marker));
        Files.writeString(reactions.resolve("stuck.sh"), """
                # @on name=shell_stuck
                # @timeout 2s
                setsid sleep %1$s.3 &
                sleep %1$s.4
                """.formatted(marker));
        Files.writeString(
                reactions.resolve("uuid.sh"),
                "# @on name=shell_uuid\nprintf '%s' \"$EVENT_UUID\" | grep -q 'u\\\\u0000\\\\n1'\n");
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
        try (NetNamespace ns = new NetNamespace();
                DaemonProcess daemon = DaemonProcess.start(
                        ns.exec(),
                        Map.of(),
                        config,
                        dir.resolve("c.sock"),
                        dir.resolve("daemon.log"),
                        DaemonProcess.LAUNCHER_JVM)) {
            long pid = daemon.process().pid();
            DaemonProcess.send(
                    dir.resolve("e.sock"),
                    "{\"uuid\":\"e1\",\"metadata\":{\"name\":\"shell_escape\"},\"riposte_pid\":" + pid + "}",
                    "{\"uuid\":\"e2\",\"metadata\":{\"name\":\"shell_stuck\"}}",
                    "{\"uuid\":\"u\\u0000\\n1\",\"metadata\":{\"name\":\"shell_uuid\"}}");
            Map<String, AuditRecord> runs = DaemonProcess.audit(dir.resolve("state.db"), 3).stream()
                    .collect(Collectors.toMap(AuditRecord::reaction, r -> r));
            assertEquals("ok", runs.get("escape").outcome(), runs.get("escape").detail());
            assertEquals("timed_out", runs.get("stuck").outcome());
            assertTrue(
                    runs.get("stuck").durationMicros() < 2_700_000,
                    runs.get("stuck").toString());
            assertEquals("ok", runs.get("uuid").outcome(), runs.get("uuid").detail());
            assertEquals(List.of(), HostProcesses.with("sleep " + marker + "."));
            assertFalse(ns.execOk("nft", "list", "tables").contains("riposte_escape"));
            assertTrue(daemon.process().isAlive());
            assertTrue(
                    daemon.log()
                            .contains("shell reactions run as uid 65534 gid 65534 (shell.user nobody) with no "
                                    + "capabilities and no_new_privs, each in its own pid namespace"),
                    daemon.log());
        }
    }

    @Test
    void aDaemonThatCannotIsolateThem_refusesShellReactions_andSaysWhy() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("sh.sh"), "# @on *\necho hi\n");
        Files.writeString(reactions.resolve("js.js"), "// @on *\nfunction process(d) {}\n");
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
        // root without a single capability: it cannot switch users or make namespaces.
        List<String> noCapabilities =
                List.of("setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all");
        try (DaemonProcess daemon = DaemonProcess.start(
                noCapabilities,
                Map.of(),
                config,
                dir.resolve("c.sock"),
                dir.resolve("daemon.log"),
                DaemonProcess.LAUNCHER_JVM)) {
            JsonNode reactionsNow = daemon.stats().path("reactions");
            assertEquals(1, reactionsNow.path("loaded").size());
            assertEquals(
                    reactions.resolve("sh.sh") + ":1: shell reactions cannot run here: shell reactions run as "
                            + "shell.user nobody with no capabilities in their own pid namespace, which needs riposte to hold "
                            + "CAP_SETUID, CAP_SETGID, CAP_CHOWN and CAP_SYS_ADMIN (root has them), and this riposte does not. Run it "
                            + "as root, or set shell.privileged: true to run shell reactions with riposte's own privileges",
                    reactionsNow.path("rejected").get(0).asText());
        }
    }
}
