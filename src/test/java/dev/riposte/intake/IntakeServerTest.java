package dev.riposte.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.match.ReactionIndex;
import dev.riposte.stats.Metrics;
import dev.riposte.testing.Await;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.Samples;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real sockets: file modes, stale and live socket files, SO_PEERCRED, control requests. */
class IntakeServerTest {
    static final int NOBODY = 65534;

    @TempDir
    Path dir;

    final Metrics metrics = new Metrics();
    Dispatcher dispatcher;
    IntakeServer server;

    IntakeServer start(String intakeYaml) throws Exception {
        if (dispatcher != null) {
            dispatcher.close();
        }
        RiposteConfig.Intake config = ConfigLoader.parse(
                        "intake:\n  socket: " + dir.resolve("events.sock") + "\n  control_socket: "
                                + dir.resolve("control.sock") + "\n" + intakeYaml,
                        "t")
                .intake();
        dispatcher = new Dispatcher(
                new RiposteConfig.Dispatch(
                        100, 64L << 20, RiposteConfig.Overflow.BACKPRESSURE, 1, Duration.ofSeconds(60)),
                (r, e) -> new RunResult(new Outcome.Ok(), List.of(), 0),
                List.of(),
                metrics,
                Clock.systemUTC());
        dispatcher.setReactions(new ReactionIndex(List.of()));
        IntakeServer s = new IntakeServer(
                config,
                dispatcher,
                metrics,
                request -> JsonNodeFactory.instance
                        .objectNode()
                        .put("ok", true)
                        .put("echo", request.path("command").asText()),
                0);
        try {
            s.start();
        } catch (java.io.IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    private void awaitReceived(long n) throws InterruptedException {
        Await.poll(500, 10, () -> metrics.snapshot().received() >= n);
    }

    @NeedsRoot("the server is told it runs as uid 0 and gives its sockets to root")
    @Test
    void sockets_haveTheirModes_andTheConfiguredGroup() throws Exception {
        server = start("  group: nogroup\n");
        Path events = dir.resolve("events.sock");
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(events)));
        assertEquals(NOBODY, Files.getAttribute(events, "unix:gid"));
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("control.sock"))));
    }

    @NeedsRoot("the server is told it runs as uid 0 and gives its sockets to root")
    @Test
    void events_sentOverTheSocket_areReceived() throws Exception {
        server = start("");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("events.sock")));
            ch.write(ByteBuffer.wrap((String.join("\n", Samples.lines()) + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        awaitReceived(12);
        assertEquals(12, metrics.snapshot().received());
    }

    @Test
    void staleSocketFile_isReplaced() throws Exception {
        Path events = dir.resolve("events.sock");
        ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        old.bind(UnixDomainSocketAddress.of(events));
        old.close();
        assertTrue(Files.exists(events), "a crashed daemon leaves its socket file behind");
        server = start("");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            assertTrue(ch.connect(UnixDomainSocketAddress.of(events)));
        }
    }

    @Test
    void socketSomeoneElseAnswersOn_isRefused_withAClearMessage() throws Exception {
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(dir.resolve("events.sock")));
            var e = assertThrows(java.io.IOException.class, () -> server = start(""));
            server = null;
            assertEquals(
                    "another process is answering on " + dir.resolve("events.sock") + " (is riposte already running?)",
                    e.getMessage());
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertTrue(
                        ch.connect(UnixDomainSocketAddress.of(dir.resolve("events.sock"))), "the other still answers");
            }
        }
    }

    @Test
    void secondServerOnTheSamePaths_isRefusedByTheLock_evenBeforeTheSocketAnswers() throws Exception {
        server = start("");
        Files.delete(dir.resolve("events.sock")); // as if the first had not published its socket yet
        IntakeServer second = new IntakeServer(
                ConfigLoader.parse(
                                "intake:\n  socket: " + dir.resolve("events.sock") + "\n  control_socket: "
                                        + dir.resolve("other.sock") + "\n",
                                "t")
                        .intake(),
                dispatcher,
                metrics,
                r -> null,
                0);
        var e = assertThrows(java.io.IOException.class, second::start);
        second.close();
        assertEquals(
                "another process holds " + dir.resolve("events.sock.lock") + " (is riposte already running?)",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("events.sock")), "the refused server published nothing");
    }

    @Test
    void regularFileAtTheSocketPath_isNeverReplaced() throws Exception {
        Files.writeString(dir.resolve("events.sock"), "precious");
        var e = assertThrows(java.io.IOException.class, () -> server = start(""));
        assertEquals(
                dir.resolve("events.sock") + " exists and is not a socket; refusing to replace it", e.getMessage());
        assertEquals("precious", Files.readString(dir.resolve("events.sock")));
        server = null;
    }

    /** Runs socat as uid/gid 65534 to write one sample event; returns socat's exit code. */
    private int sendAsNobody() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process p = new ProcessBuilder(
                        "setpriv",
                        "--reuid=" + NOBODY,
                        "--regid=" + NOBODY,
                        "--clear-groups",
                        "socat",
                        "-u",
                        "STDIN",
                        "UNIX-CONNECT:" + dir.resolve("events.sock"))
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write((Samples.line("01") + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @NeedsRoot("the server is told it runs as uid 0 and gives its sockets to root")
    @Test
    void peerNotAllowed_isDisconnected_andNothingIsReceived() throws Exception {
        server = start("  group: nogroup\n");
        sendAsNobody();
        // A line from root afterwards: once it is in, a wrongly accepted earlier line would be too (one event loop).
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("events.sock")));
            ch.write(ByteBuffer.wrap((Samples.line("02") + "\n").getBytes(StandardCharsets.UTF_8)));
        }
        awaitReceived(1);
        assertEquals(1, metrics.snapshot().received());
    }

    @NeedsRoot("the server is told it runs as uid 0 and gives its sockets to root")
    @Test
    void peerInAllowUids_isAccepted() throws Exception {
        server = start("  group: nogroup\n  allow_uids: [65534]\n");
        assertEquals(0, sendAsNobody());
        awaitReceived(1);
        assertEquals(1, metrics.snapshot().received());
    }

    @NeedsRoot("the server is told it runs as uid 0 and gives its sockets to root")
    @Test
    void peerInAllowGids_isAccepted() throws Exception {
        server = start("  group: nogroup\n  allow_gids: [65534]\n");
        assertEquals(0, sendAsNobody());
        awaitReceived(1);
        assertEquals(1, metrics.snapshot().received());
    }

    @NeedsRoot("the server is told it runs as uid 0 and gives its sockets to root")
    @Test
    void controlSocket_answersOneJsonLinePerRequest() throws Exception {
        server = start("");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("control.sock")));
            ch.write(ByteBuffer.wrap("{\"command\":\"stats\"}\nnot json\n[]\n".getBytes(StandardCharsets.UTF_8)));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            assertEquals("{\"ok\":true,\"echo\":\"stats\"}", in.readLine());
            String notJson = in.readLine();
            assertTrue(notJson.startsWith("{\"ok\":false,\"error\":\"not JSON: "), notJson);
            assertEquals(
                    "{\"ok\":false,\"error\":\"a request is one JSON object per line, such as {\\\"command\\\":\\\"stats\\\"}\"}",
                    in.readLine());
        }
    }

    @Test
    void close_removesTheSocketFiles() throws Exception {
        server = start("");
        server.close();
        server = null;
        assertFalse(Files.exists(dir.resolve("events.sock")));
        assertFalse(Files.exists(dir.resolve("control.sock")));
    }
}
