package dev.riposte.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import dev.riposte.daemon.Daemon;
import dev.riposte.dispatch.RunRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A whole daemon started in-process on sockets in a temporary directory, with the configuration and
 * reaction files a test gives. Runs are also collected here (a second run listener beside the run log).
 */
public final class TestDaemon implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Daemon daemon;
    private final ConcurrentLinkedQueue<RunRecord> runs = new ConcurrentLinkedQueue<>();

    /**
     * @param extraYaml configuration appended after the temporary paths (other sections only)
     * @param reactions file name to content
     */
    public TestDaemon(Path dir, String extraYaml, java.util.Map<String, String> reactions) throws Exception {
        this(dir, "", extraYaml, reactions);
    }

    /** @param intakeYaml more keys of the intake section, each line indented by two spaces */
    public TestDaemon(Path dir, String intakeYaml, String extraYaml, java.util.Map<String, String> reactions)
            throws Exception {
        this.dir = dir;
        Path reactionsDir = dir.resolve("reactions.d");
        Files.createDirectories(reactionsDir);
        for (var e : reactions.entrySet()) {
            Files.writeString(reactionsDir.resolve(e.getKey()), e.getValue());
        }
        String yaml = """
                intake:
                  socket: %s
                  control_socket: %s
                %s
                reactions:
                  dir: %s
                  warmup_runs: 0
                evidence:
                  dir: %s
                state:
                  path: %s
                """.formatted(
                                dir.resolve("run/events.sock"),
                                dir.resolve("run/control.sock"),
                                intakeYaml,
                                reactionsDir,
                                dir.resolve("evidence"),
                                dir.resolve("state.db"))
                + extraYaml;
        Files.writeString(configFile(), yaml);
        RiposteConfig config = ConfigLoader.load(configFile());
        daemon = Daemon.start(config, configFile(), List.of(runs::add), null);
    }

    public Path dir() {
        return dir;
    }

    /** The configuration file the daemon was started from (for CLI tests). */
    public Path configFile() {
        return dir.resolve("riposte.yaml");
    }

    public Path evidence() {
        return dir.resolve("evidence");
    }

    public Path socket() {
        return dir.resolve("run/events.sock");
    }

    public Path controlSocket() {
        return dir.resolve("run/control.sock");
    }

    /** The running daemon (its store, audit trail, reactions). */
    public Daemon daemon() {
        return daemon;
    }

    public List<RunRecord> runs() {
        return List.copyOf(runs);
    }

    /** Writes raw bytes to the intake socket over one connection, then closes it. */
    public void sendBytes(byte[] bytes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
        }
    }

    public void send(List<String> lines) throws IOException {
        sendBytes((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** One control request over the real control socket. */
    public JsonNode control(String request) throws IOException {
        return control(controlSocket(), request);
    }

    /** One control request to any daemon's control socket. */
    public static JsonNode control(Path controlSocket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(controlSocket));
            ch.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            return JSON.readTree(
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
                            .readLine());
        }
    }

    public JsonNode stats() throws IOException {
        return control("{\"command\":\"stats\"}");
    }

    /** Waits (up to 30 s) until {@code events.done + events.dropped} reaches {@code count}; returns the stats then. */
    public JsonNode awaitFinished(long count) throws Exception {
        JsonNode s = stats();
        for (int i = 0;
                i < 3000
                        && s.path("events").path("done").asLong()
                                        + s.path("events").path("dropped").asLong()
                                < count;
                i++) {
            Thread.sleep(10);
            s = stats();
        }
        return s;
    }

    @Override
    public void close() {
        daemon.close();
    }
}
