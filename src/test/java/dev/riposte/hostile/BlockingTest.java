package dev.riposte.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.audit.AuditRecord;
import dev.riposte.testing.Await;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.HostProcesses;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that would hold their worker: a no-argument NetBlockIp over thousands of peers, busy loops and
 * sleeping shells with the longest deadline while the daemon is told to stop. Helpers give up at the
 * run's deadline, and a stop finishes within its bound whatever the reactions are doing.
 */
class BlockingTest {
    @TempDir
    Path dir;

    @Test
    void aNoArgumentBlock_stopsAtTheRunsDeadline_andNothingIsBlockedAfterIt() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("all.js"),
                "// @on name=crowd\n// @timeout 500ms\nfunction process(d) { NetBlockIp(); }\n");
        Files.writeString(reactions.resolve("warm.js"), "// @on name=warm\nfunction process(d) { NetBlockIp(); }\n");
        Path config = DaemonProcess.writeConfig(
                dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run, max_blocks_per_run: 100000}\n");
        StringBuilder flows = new StringBuilder();
        for (int i = 0; i < 7_000; i++) {
            flows.append(i == 0 ? "" : ",")
                    .append("{\"remote\":{\"address\":\"10.")
                    .append(i >> 8 & 255)
                    .append('.')
                    .append(i & 255)
                    .append(".9\"}}");
        }
        try (DaemonProcess daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
            // A first event warms the path up (the first run of a cold JVM is slow), then the crowd comes.
            DaemonProcess.send(
                    dir.resolve("e.sock"),
                    "{\"uuid\":\"warm\",\"metadata\":{\"name\":\"warm\"},"
                            + "\"background\":{\"flow_list\":[{\"remote\":{\"address\":\"10.255.255.1\"}}]}}");
            DaemonProcess.audit(dir.resolve("state.db"), 1);
            DaemonProcess.send(
                    dir.resolve("e.sock"),
                    "{\"uuid\":\"crowd\",\"metadata\":{\"name\":\"crowd\"}," + "\"background\":{\"flow_list\":[" + flows
                            + "]}}");
            AuditRecord run = DaemonProcess.audit(dir.resolve("state.db"), 2).get(1);
            // The helper returns at the deadline; the script may then finish before the watchdog stops it.
            assertTrue(List.of("ok", "timed_out").contains(run.outcome()), run.toString());
            assertTrue(
                    run.durationMicros() < 800_000,
                    "the helper gave up at the deadline: " + run.durationMicros() + " us");
            long blocked = daemon.stats().path("netpolicy").path("blocked").asLong() - 1;
            assertTrue(blocked > 0 && blocked < 7_000, "some blocks, not all: " + blocked);
            // An absence cannot be awaited: half a second in which a helper that outlived its run would
            // block more (nothing orders such a stray thread after a later event's run).
            Thread.sleep(500);
            assertEquals(
                    blocked + 1,
                    daemon.stats().path("netpolicy").path("blocked").asLong(),
                    "nothing after the run");
            assertTrue(
                    run.calls()
                            .getFirst()
                            .errno()
                            .matches(
                                    "NetBlockIp: \\d+ more addresses were not blocked: the run's " + "deadline passed"),
                    run.calls().toString());
        }
    }

    @NeedsRoot("shell reactions run as another user in their own pid namespace (CAP_SETUID, CAP_SYS_ADMIN)")
    @Test
    void aStop_finishesWithinItsBound_whateverTheReactionsAreDoing() throws Exception {
        String marker = "4" + System.nanoTime() % 1_000_000;
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("spin.js"), "// @on *\n// @timeout 60s\nfunction process(d) { for (;;) {} }\n");
        Files.writeString(reactions.resolve("nap.sh"), "# @on *\n# @timeout 60s\nsleep " + marker + "\n");
        Path config = DaemonProcess.writeConfig(
                dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\ndispatch: {workers: 2}\n");
        DaemonProcess daemon = DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM);
        try {
            DaemonProcess.send(dir.resolve("e.sock"), Samples.line("01"));
            Await.poll(100, 50, () -> !HostProcesses.with("sleep " + marker).isEmpty());
            assertEquals(1, HostProcesses.with("sleep " + marker).size(), "the shell is running: " + daemon.log());
            long start = System.nanoTime();
            daemon.process().destroy(); // SIGTERM
            assertTrue(daemon.process().waitFor(15, TimeUnit.SECONDS), "the daemon stopped");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(11)) < 0, "within the documented 10 s: " + took);
            assertEquals(List.of(), HostProcesses.with("sleep " + marker), "the shell run was ended with it");
            assertTrue(daemon.log().contains("stopping with 1 events still in flight after 5 s"), daemon.log());
        } finally {
            daemon.close();
        }
    }
}
