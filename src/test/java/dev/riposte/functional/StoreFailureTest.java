package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged state file and a full disk: the store helpers fail with the reason, the daemon keeps going. */
class StoreFailureTest {
    @TempDir
    Path dir;

    @Test
    void aDamagedStateFile_leavesTheDaemonRunning_andTheStoreHelpersSayWhy() throws Exception {
        Files.writeString(dir.resolve("state.db"), "garbage, not an SQLite database ".repeat(200));
        try (TestDaemon d = new TestDaemon(
                dir,
                "netpolicy:\n  backend: dry-run\n",
                Map.of("store.js", "// @on *\nfunction process(data) { DataSet('k', 'v'); Info('after'); }\n"))) {
            d.send(List.of(Samples.line("01")));
            d.awaitFinished(1);
            RunRecord run = d.runs().getFirst();
            assertEquals(new Outcome.Ok(), run.result().outcome());
            String errno = run.result().calls().getFirst().errno();
            assertTrue(
                    errno.startsWith("DataSet: the state store is unavailable: cannot open the state store "
                            + dir.resolve("state.db") + ": "),
                    errno);
            assertTrue(errno.contains("not a database"), errno);
            assertEquals("Info(\"after\")=0", run.result().calls().get(1).toString());
            assertEquals(null, d.daemon().auditTrail(), "no audit records without a store; the run log has them");
        }
    }

    @NeedsRoot("mounts a small tmpfs")
    @Test
    void aFullDisk_failsTheWrite_notTheDaemon() throws Exception {
        Path statefs = Files.createDirectory(dir.resolve("statefs"));
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("fill.js"), """
                // @on name=crypto_miner_execution
                // @timeout 30s
                function process(data) {
                  let i = 0;
                  while (DataSet('k' + i, 'x'.repeat(60000)) === 0) i++;
                  WriteFile(CreateTempDir('full-*') + '/errno', Errno());
                }
                """);
        Files.writeString(reactions.resolve("after.js"), """
                // @on name=sudoers_modification
                function process(data) { WriteFile(CreateTempDir('after-*') + '/ok', String(DataIncr('n'))); }
                """);
        Path config = DaemonProcess.writeConfig(
                dir, reactions, statefs.resolve("state.db"), "netpolicy: {backend: disabled}\n");
        // A 2 MiB tmpfs in a mount namespace of the daemon's own: a real full disk, invisible to the host.
        List<String> wrapper = List.of(
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "sh",
                "-c",
                "mount -t tmpfs -o size=2m riposte-test " + statefs + " && exec \"$@\"",
                "sh");
        try (DaemonProcess daemon = DaemonProcess.start(
                wrapper, config, dir.resolve("c.sock"), dir.resolve("daemon.log"), List.of("-Xmx256m"))) {
            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("01"));
            assertEquals(1, daemon.awaitDone(1).path("runs").path("ok").asLong(), daemon.log());
            String errno = Files.readString(only("full-").resolve("errno"));
            assertTrue(errno.startsWith("DataSet: state store: ") && errno.contains("full"), errno);
            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("02"));
            assertEquals(2, daemon.awaitDone(2).path("runs").path("ok").asLong(), daemon.log());
            assertTrue(daemon.process().isAlive());
            assertTrue(Files.exists(only("after-").resolve("ok")), "the daemon still runs reactions");
        }
    }

    private Path only(String prefix) throws Exception {
        try (Stream<Path> list = Files.list(dir.resolve("ev"))) {
            return list.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .findFirst()
                    .orElseThrow();
        }
    }
}
