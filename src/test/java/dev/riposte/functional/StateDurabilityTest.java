package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a reaction stored survives the daemon being killed with SIGKILL (no shutdown hook runs) and
 * started again on the same state file.
 */
class StateDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void storedValues_surviveKillDashNine_andARestart() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        // One reaction (one namespace): the miner event stores, the sudoers event reads back into evidence.
        Files.writeString(reactions.resolve("memory.js"), """
                // @on name=crypto_miner_execution
                // @on name=sudoers_modification
                function process(data) {
                  if (name === 'crypto_miner_execution') {
                    DataSet('last', uuid); DataIncr('seen'); DataPush('pids', data.process.pid);
                  } else {
                    WriteFile(CreateTempDir('recall-*') + '/out', [DataGet('last'), DataGet('seen'), DataPop('pids')].join(' '));
                  }
                }
                """);
        Path config =
                DaemonProcess.writeConfig(dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: disabled}\n");
        try (DaemonProcess first =
                DaemonProcess.start(config, dir.resolve("c.sock"), dir.resolve("daemon.log"), List.of("-Xmx256m"))) {
            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("01"));
            assertEquals(1, first.awaitDone(1).path("runs").path("ok").asLong(), first.log());
            first.kill();
            assertEquals(137, first.process().exitValue(), "ended by SIGKILL");
        }
        try (DaemonProcess second =
                DaemonProcess.start(config, dir.resolve("c.sock"), dir.resolve("daemon.log"), List.of("-Xmx256m"))) {
            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("02"));
            assertEquals(1, second.awaitDone(1).path("runs").path("ok").asLong(), second.log());
        }
        Path recalled;
        try (var list = Files.list(dir.resolve("ev"))) {
            recalled = list.filter(p -> p.getFileName().toString().startsWith("recall-"))
                    .findFirst()
                    .orElseThrow();
        }
        assertEquals(Samples.event("01").uuid() + " 1 20934", Files.readString(recalled.resolve("out")));
    }
}
