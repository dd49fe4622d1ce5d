package dev.riposte.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.audit.AuditRecord;
import dev.riposte.daemon.Components;
import dev.riposte.effect.state.SqliteKeyValues;
import dev.riposte.effect.state.StateStore;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.Samples;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reaction that tries every way to read what it must not, in a daemon whose state directory is
 * reached through a symbolic link: the database and its WAL by their real paths and through /proc,
 * environments, a hard link to a denied file, and files that would block. Each read is refused with the
 * rule that matched, and the configuration refuses to put riposte's own files within reach of writes.
 */
class FilesTest {
    @TempDir
    Path dir;

    @Test
    void theStateProcessesAndDeniedFiles_areRefusedByEveryPath_andBlockingFilesToo() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Path stateReal = Files.createDirectories(dir.resolve("state-real"));
        Files.createSymbolicLink(dir.resolve("state-link"), stateReal);
        Path denied = Files.createDirectories(dir.resolve("denied"));
        Files.writeString(denied.resolve("secret"), "secret");
        Path hardLink = Files.createLink(dir.resolve("innocent"), denied.resolve("secret"));
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Path socket = dir.resolve("a.sock");
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(socket));
            long other = new ProcessBuilder("sleep", "60").start().pid();
            Files.writeString(reactions.resolve("snoop.js"), """
                    // @on name=crypto_miner_execution
                    // @timeout 20s
                    function process(d) {
                      const tries = [%s];
                      for (let fd = 0; fd < 64; fd++) tries.push('/proc/self/fd/' + fd);
                      tries.push('/proc/%s/root%s/state.db');
                      const leaked = [];
                      for (const p of tries) {
                        const text = ReadFile(p);
                        if (text.includes('MARKER-OF-ANOTHER-REACTION') || text.startsWith('SQLite format 3')) leaked.push(p);
                      }
                      if (leaked.length) throw new Error('LEAKED ' + leaked.join(' '));
                      const why = [];
                      for (const p of tries.slice(0, 8)) { ReadFile(p); why.push(Errno()); }
                      throw new Error('REFUSED\\n' + why.join('\\n'));
                    }
                    """.formatted(
                            String.join(
                                    ", ",
                                    List.of(
                                            js(stateReal + "/state.db"),
                                            js(stateReal + "/state.db-wal"),
                                            js("/proc/self/environ"),
                                            js("/proc/" + other + "/environ"),
                                            js(hardLink.toString()),
                                            js(fifo.toString()),
                                            js("/dev/zero"),
                                            js(socket.toString()))),
                            Long.toString(ProcessHandle.current().pid()),
                            stateReal));
            try (StateStore store = StateStore.open(dir.resolve("state-link/state.db"), Components.SCHEMA)) {
                new SqliteKeyValues(store, 10).set("other", "k", "MARKER-OF-ANOTHER-REACTION");
            }
            Path config = DaemonProcess.writeConfig(
                    dir,
                    reactions,
                    dir.resolve("state-link/state.db"),
                    "netpolicy: {backend: dry-run}\nfiles: {read_deny: [/proc/*/environ, " + denied
                            + "], max_read_bytes: 65536}\n");
            try (DaemonProcess daemon = DaemonProcess.start(
                    config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
                DaemonProcess.send(dir.resolve("e.sock"), Samples.line("01"));
                List<AuditRecord> runs = DaemonProcess.audit(stateReal.resolve("state.db"), 1);
                assertEquals(1, runs.size(), () -> "the run's audit record; the daemon's log:\n" + log(daemon));
                AuditRecord run = runs.getFirst();
                String pid = Long.toString(daemon.process().pid());
                assertEquals(
                        List.of(
                                "ReadFile: refused: \"" + stateReal + "/state.db\" is riposte's own state (" + dir
                                        + "/state-link/state.db) under another name",
                                "ReadFile: refused: \"" + stateReal + "/state.db-wal\" is riposte's own state (" + dir
                                        + "/state-link/state.db-wal) under another name",
                                "ReadFile: refused: \"/proc/self/environ\" (which resolves to /proc/" + pid
                                        + "/environ) is denied " + "by files.read_deny entry /proc/*/environ",
                                "ReadFile: refused: \"/proc/" + other
                                        + "/environ\" is denied by files.read_deny entry /proc/*/environ",
                                "ReadFile: refused: \"" + hardLink + "\" is a hard link to " + denied
                                        + "/secret, which files.read_deny " + "refuses",
                                "ReadFile: \"" + fifo + "\" is a FIFO, not a regular file",
                                "ReadFile: \"/dev/zero\" is a character device, not a regular file",
                                "ReadFile: \"" + socket
                                        + "\" is a socket or a device without a driver, not a regular file"),
                        List.of(run.detail()
                                        .replaceFirst(" \\(line \\d+\\)$", "")
                                        .split("\n"))
                                .subList(1, 9),
                        run.detail());
                assertTrue(daemon.process().isAlive());
            } finally {
                ProcessHandle.of(other).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static String js(String s) {
        return "'" + s + "'";
    }

    @Test
    void riposteOwnFiles_withinReachOfWrites_stopTheDaemonAndCheck() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Path config = DaemonProcess.writeConfig(
                dir, reactions, dir.resolve("ev/state.db"), "files: {write_roots: [" + dir + "]}\n");
        DaemonProcess.Cli check = DaemonProcess.cli("check", "--config", config.toString());
        assertEquals(2, check.status(), check.output());
        assertEquals(
                "riposte: invalid configuration " + config + ":\n"
                        + "  state.path: must not be inside evidence.dir, where WriteFile and RemoveDir could destroy it. Found: "
                        + dir + "/ev/state.db (evidence.dir is " + dir + "/ev)\n"
                        + "  files.write_roots: must not contain state.path, where WriteFile could destroy it. Found: "
                        + dir
                        + " (state.path is " + dir + "/ev/state.db)\n"
                        + "  files.write_roots: must not contain reactions.dir, where WriteFile could plant a reaction that riposte "
                        + "would run. Found: " + dir + " (reactions.dir is " + reactions + ")\n",
                check.output());
        assertEquals(2, DaemonProcess.cli("run", "--config", config.toString()).status());
    }

    @Test
    void theKernelLog_isDeniedByDefault() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("kmsg.js"),
                "// @on *\n// @timeout 1s\n"
                        + "function process(d) { ReadFile('/proc/kmsg'); throw new Error(Errno()); }\n");
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
        try (DaemonProcess daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("01"), Samples.line("02"));
            List<AuditRecord> runs = DaemonProcess.audit(dir.resolve("state.db"), 2);
            assertEquals(
                    "Error: ReadFile: refused: \"/proc/kmsg\" is denied by files.read_deny entry /proc/kmsg (line 3)",
                    runs.getFirst().detail());
            assertEquals(2, daemon.awaitDone(2).path("events").path("done").asLong(), "the next event ran");
        }
    }

    private static String log(DaemonProcess daemon) {
        try {
            return daemon.log();
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }
}
