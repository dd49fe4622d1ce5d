package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.testing.Await;
import dev.riposte.testing.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sd_notify as systemd would receive it: the test binds its own AF_UNIX datagram socket (socat), points
 * NOTIFY_SOCKET and WATCHDOG_USEC at it, and reads what the daemon sends.
 */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    @Test
    void theDaemonSendsReady_thenWatchdogPings_andStoppingAtTheEnd() throws Exception {
        Path socket = dir.resolve("notify.sock");
        Path received = dir.resolve("received");
        Process receiver = new ProcessBuilder("socat", "-u", "UNIX-RECV:" + socket, "STDOUT")
                .redirectOutput(received.toFile())
                .redirectErrorStream(false)
                .start();
        try {
            Await.poll(100, 20, () -> Files.exists(socket));
            Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
            Files.writeString(reactions.resolve("ok.js"), "// @on *\nfunction process(data) {}\n");
            Path config = DaemonProcess.writeConfig(
                    dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
            long pid;
            try (DaemonProcess daemon = DaemonProcess.start(
                    List.of(),
                    Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "400000"),
                    config,
                    dir.resolve("c.sock"),
                    dir.resolve("daemon.log"),
                    List.of("-Xmx256m"))) {
                pid = daemon.process().pid();
                Await.poll(200, 20, () -> Files.readString(received).split("WATCHDOG=1", -1).length >= 4);
                String sent = Files.readString(received);
                assertTrue(
                        sent.startsWith("READY=1\nSTATUS=1 reactions; 0 events; runs ok 0 error 0 timed_out 0; "
                                + "netpolicy dry-run, 0 blocked\nMAINPID=" + pid + "\n"),
                        sent);
                assertTrue(sent.split("WATCHDOG=1\n", -1).length >= 4, "pings every 200 ms: " + sent);
                Runtime.getRuntime()
                        .exec(new String[] {"kill", "-HUP", Long.toString(pid)})
                        .waitFor();
                Await.poll(200, 20, () -> Files.readString(received).contains("RELOADING=1"));
                String afterHup = Files.readString(received);
                int reloading = afterHup.indexOf("RELOADING=1\nSTATUS=reloading\n");
                assertTrue(reloading > 0, afterHup);
                Await.poll(200, 20, () -> Files.readString(received).indexOf("READY=1", reloading) >= 0);
                afterHup = Files.readString(received);
                assertTrue(
                        afterHup.indexOf("READY=1\nSTATUS=1 reactions;", reloading) > reloading,
                        "READY again after the reload");
            }
            Await.poll(100, 20, () -> Files.readString(received).contains("STOPPING=1"));
            assertTrue(
                    Files.readString(received).contains("STOPPING=1\nSTATUS=stopping\n"), Files.readString(received));
        } finally {
            receiver.destroy();
            receiver.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSigtermTheMomentReadyIsSent_stopsTheDaemonCleanly() throws Exception {
        // As systemctl stop right after start: the shutdown hook used to be added after READY=1, so a SIGTERM in
        // between ended the JVM with "Shutdown in progress" and the daemon never closed.
        Path socket = dir.resolve("notify.sock");
        Path received = dir.resolve("received");
        Process killer = new ProcessBuilder(
                        "sh",
                        "-c",
                        "socat -u UNIX-RECV:\"$1\" STDOUT | while IFS= read -r l; do "
                                + "echo \"$l\" >> \"$2\"; case $l in MAINPID=*) kill -TERM \"${l#MAINPID=}\"; exit 0;; esac; done",
                        "killer",
                        socket.toString(),
                        received.toString())
                .start();
        try {
            Await.poll(100, 20, () -> Files.exists(socket));
            Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
            Path config = DaemonProcess.writeConfig(
                    dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: dry-run}\n");
            Path log = dir.resolve("daemon.log");
            // Not DaemonProcess.start, which waits for a control socket that this daemon may already have removed.
            Process daemon = DaemonProcess.launch(
                    List.of(), Map.of("NOTIFY_SOCKET", socket.toString()), config, log, List.of("-Xmx256m"), List.of());
            try {
                assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "stopped by the SIGTERM");
                String out = Files.readString(log);
                assertEquals(143, daemon.exitValue(), out);
                assertTrue(Files.readString(received).startsWith("READY=1\n"), Files.readString(received));
                assertFalse(out.contains("Shutdown in progress"), out);
                assertTrue(out.strip().endsWith("stopped"), "the daemon closed: " + out);
            } finally {
                daemon.destroyForcibly();
            }
        } finally {
            killer.destroy();
            killer.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAbstractNotifySocket_works_too() throws Exception {
        String name = "riposte-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path received = dir.resolve("received");
        Process receiver = new ProcessBuilder("socat", "-u", "ABSTRACT-RECV:" + name, "STDOUT")
                .redirectOutput(received.toFile())
                .start();
        try {
            // An abstract socket has no file to wait for; the kernel lists it in /proc/net/unix once bound.
            Await.until("socat bound @" + name, 250, 20, () -> {
                return Files.readString(Path.of("/proc/net/unix")).contains(" @" + name + "\n");
            });
            Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
            Path config = DaemonProcess.writeConfig(
                    dir, reactions, dir.resolve("state.db"), "netpolicy: {backend: disabled}\n");
            try (DaemonProcess _ = DaemonProcess.start(
                    List.of(),
                    Map.of("NOTIFY_SOCKET", "@" + name),
                    config,
                    dir.resolve("c.sock"),
                    dir.resolve("daemon.log"),
                    List.of("-Xmx256m"))) {
                Await.poll(200, 20, () -> Files.readString(received).contains("READY=1"));
                assertTrue(Files.readString(received).startsWith("READY=1\n"), Files.readString(received));
                assertEquals(-1, Files.readString(received).indexOf("WATCHDOG"), "no WatchdogSec, no pings");
            }
        } finally {
            receiver.destroy();
            receiver.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
