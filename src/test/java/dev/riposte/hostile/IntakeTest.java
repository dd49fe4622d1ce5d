package dev.riposte.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.effect.files.Tree;
import dev.riposte.testing.Await;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that end mid-line, peers that are not allowed, by the thousand, and hundreds of connections
 * each holding a megabyte of a line they never finish: the last line is read, refusals are counted and
 * logged at a bounded rate, and the memory unfinished lines hold stays within its budget.
 */
class IntakeTest {
    @TempDir
    Path dir;

    private static SocketChannel connect(Path socket) throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return ch;
    }

    private static void write(SocketChannel ch, String text) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** A daemon with one reaction for every event; {@code intakeGroup} owns its intake socket ("" for root's). */
    private DaemonProcess start(String intakeGroup) throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(reactions.resolve("ok.js"), "// @on *\nfunction process(d) {}\n");
        Path config = Files.writeString(dir.resolve("riposte.yaml"), """
                intake: {socket: %s, control_socket: %s, group: "%s"}
                reactions: {dir: %s}
                evidence: {dir: %s}
                state: {path: %s}
                netpolicy: {backend: dry-run}
                """.formatted(
                        dir.resolve("e.sock"),
                        dir.resolve("c.sock"),
                        intakeGroup,
                        reactions,
                        dir.resolve("ev"),
                        dir.resolve("state.db")));
        return DaemonProcess.start(
                config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM);
    }

    /** Events the daemon has received. */
    private static long received(DaemonProcess daemon) throws java.io.IOException {
        return daemon.stats().path("events").path("received").asLong();
    }

    @Test
    void aLastLineWithoutNewline_isRead_whetherThePeerClosesHalfOrWhole() throws Exception {
        try (DaemonProcess daemon = start("")) {
            try (SocketChannel ch = connect(dir.resolve("e.sock"))) {
                write(ch, Samples.line("01") + "\n" + Samples.line("02"));
            }
            try (SocketChannel ch = connect(dir.resolve("e.sock"))) {
                write(ch, Samples.line("03"));
                ch.shutdownOutput();
                Await.until("the half-closed peer's last line read", 250, 20, () -> received(daemon) == 3);
            }
            // A peer killed mid-stream: what it sent whole, and its unfinished last line, still count.
            Path file = Files.writeString(dir.resolve("partial.json"), Samples.line("04") + "\n" + Samples.line("05"));
            Process socat = new ProcessBuilder(
                            "sh",
                            "-c",
                            "cat '" + file + "' - | socat -u STDIN UNIX-CONNECT:'" + dir.resolve("e.sock") + "'")
                    .start();
            Await.until("the killed peer's whole line read", 250, 20, () -> received(daemon) == 4);
            socat.descendants().forEach(ProcessHandle::destroyForcibly);
            socat.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            JsonNode stats = daemon.awaitDone(5);
            assertEquals(5, stats.path("events").path("received").asLong(), stats.toString());
            assertEquals(0, stats.path("events").path("rejected").asLong());
        }
    }

    @NeedsRoot("peers of another uid")
    @Test
    void thousandsOfRefusedPeers_areCounted_andLoggedAtABoundedRate() throws Exception {
        Path client = Files.createTempDirectory(Path.of("/tmp"), "riposte-client-");
        try {
            Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path source = Files.writeString(client.resolve("Connect.java"), """
                    import java.net.*;
                    import java.nio.channels.SocketChannel;
                    public class Connect {
                      public static void main(String[] a) throws Exception {
                        for (int i = 0; i < Integer.parseInt(a[1]); i++) {
                          try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                            ch.connect(UnixDomainSocketAddress.of(a[0]));
                            ch.write(java.nio.ByteBuffer.wrap("{}\\n".getBytes()));
                          } catch (java.io.IOException e) { }
                        }
                      }
                    }
                    """);
            Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            try (DaemonProcess daemon = start("nogroup")) {
                Process p = new ProcessBuilder(
                                "setpriv",
                                "--reuid=65534",
                                "--regid=65534",
                                "--clear-groups",
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                source.toString(),
                                dir.resolve("e.sock").toString(),
                                "2000")
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue(), out);
                Await.poll(
                        100,
                        50,
                        () -> daemon.stats()
                                        .path("intake")
                                        .path("refused_peers")
                                        .asLong()
                                >= 2000);
                JsonNode stats = daemon.stats();
                assertEquals(2000, stats.path("intake").path("refused_peers").asLong(), stats.toString());
                assertEquals(0, stats.path("events").path("received").asLong());
                long logged = daemon.log()
                        .lines()
                        .filter(l -> l.contains("refused connection from"))
                        .count();
                assertTrue(logged >= 1 && logged <= 40, logged + " refusal lines for 2000 refusals");
            }
        } finally {
            Tree.delete(client);
        }
    }

    @Test
    void hundredsOfUnfinishedMegabyteLines_stayWithinTheBudget_andWhatIsRefusedIsCounted() throws Exception {
        try (DaemonProcess daemon = start("")) {
            long before = daemon.stats().path("rss_kb").asLong();
            List<SocketChannel> open = new ArrayList<>();
            try {
                String megabyte = "{\"uuid\":\"u\",\"note\":\"" + "x".repeat((1 << 20) - 100);
                for (int i = 0; i < 400; i++) {
                    SocketChannel ch = connect(dir.resolve("e.sock"));
                    open.add(ch);
                    write(ch, megabyte);
                }
                Await.until("the lines over the budget dropped", 500, 20, () -> {
                    return daemon.stats()
                                    .path("intake")
                                    .path("lines_dropped_for_memory")
                                    .asLong()
                            >= 380;
                });
                JsonNode stats = daemon.stats();
                long refused =
                        stats.path("intake").path("lines_dropped_for_memory").asLong();
                assertTrue(refused >= 380, "a 16 MiB budget holds about 16 of 400 lines: " + stats);
                long grew = stats.path("rss_kb").asLong() - before;
                assertTrue(grew < 150_000, "RSS grew by " + grew + " kB");
                assertEquals(0, stats.path("intake").path("connection_errors").asLong());
                for (SocketChannel ch : open) {
                    write(ch, "\"}\n" + Samples.line("01") + "\n");
                }
            } finally {
                for (SocketChannel ch : open) {
                    ch.close();
                }
            }
            JsonNode stats = daemon.awaitDone(400);
            assertEquals(
                    400
                            + 400
                            - stats.path("intake")
                                    .path("lines_dropped_for_memory")
                                    .asLong(),
                    stats.path("events").path("received").asLong(),
                    stats.toString());
            assertTrue(daemon.process().isAlive());
        }
    }
}
