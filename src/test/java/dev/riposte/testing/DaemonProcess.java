package dev.riposte.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.audit.AuditQuery;
import dev.riposte.audit.AuditRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A daemon in its own JVM, started the way the launcher starts it, for tests that must kill it or
 * starve its heap. Its output goes to {@code log}; its control socket is {@code controlSocket}.
 */
public final class DaemonProcess implements AutoCloseable {
    /** The launcher's default JVM options: bin/jvm-options, which bin/riposte reads. */
    public static final List<String> LAUNCHER_JVM = jvmOptions();

    private static List<String> jvmOptions() {
        try {
            return Files.readAllLines(Path.of("bin/jvm-options")).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final Process process;
    private final Path log;
    private final Path controlSocket;

    private DaemonProcess(Process process, Path log, Path controlSocket) {
        this.process = process;
        this.log = log;
        this.controlSocket = controlSocket;
    }

    /** Starts {@code riposte run --config config} with {@code jvmOptions}, and waits (up to 30 s) for its control socket. */
    public static DaemonProcess start(Path config, Path controlSocket, Path log, List<String> jvmOptions)
            throws Exception {
        return start(List.of(), config, controlSocket, log, jvmOptions);
    }

    /** The same, with {@code wrapper} in front of the java command (such as unshare, to give it its own mounts). */
    public static DaemonProcess start(
            List<String> wrapper, Path config, Path controlSocket, Path log, List<String> jvmOptions) throws Exception {
        return start(wrapper, java.util.Map.of(), config, controlSocket, log, jvmOptions);
    }

    /** The same, with {@code env} added to the daemon's environment (NOTIFY_SOCKET, WATCHDOG_USEC, ...). */
    public static DaemonProcess start(
            List<String> wrapper,
            java.util.Map<String, String> env,
            Path config,
            Path controlSocket,
            Path log,
            List<String> jvmOptions)
            throws Exception {
        return start(wrapper, env, config, controlSocket, log, jvmOptions, List.of());
    }

    /**
     * The same, with {@code runArgs} after {@code run --config FILE} (such as {@code --stdin}); the daemon's
     * standard input is a pipe from this process ({@link Process#getOutputStream()}).
     */
    public static DaemonProcess start(
            List<String> wrapper,
            java.util.Map<String, String> env,
            Path config,
            Path controlSocket,
            Path log,
            List<String> jvmOptions,
            List<String> runArgs)
            throws Exception {
        Files.deleteIfExists(controlSocket);
        Process p = launch(wrapper, env, config, log, jvmOptions, runArgs);
        DaemonProcess daemon = new DaemonProcess(p, log, controlSocket);
        for (int i = 0; i < 600 && !Files.exists(controlSocket); i++) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the daemon exited with " + p.exitValue() + ":\n" + daemon.log());
            }
            Thread.sleep(50);
        }
        return daemon;
    }

    /**
     * The shipped logging configuration for the JVMs the tests start: their class path holds the tests'
     * logback-test.xml (warnings only), which logback would prefer, and the tests read these JVMs' INFO lines.
     */
    static final String SHIPPED_LOGGING =
            "-Dlogback.configurationFile=" + DaemonProcess.class.getResource("/logback.xml");

    /** The argv that runs riposte's Main from the tests' class path, with {@code jvmOptions} and the flags it needs. */
    private static List<String> riposte(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dpolyglot.engine.WarnInterpreterOnly=false",
                SHIPPED_LOGGING,
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.riposte.Main"));
        return command;
    }

    /** Starts {@code riposte run --config config} and returns at once (output appended to {@code log}). */
    public static Process launch(
            List<String> wrapper,
            java.util.Map<String, String> env,
            Path config,
            Path log,
            List<String> jvmOptions,
            List<String> runArgs)
            throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(riposte(jvmOptions));
        command.addAll(List.of("run", "--config", config.toString()));
        command.addAll(runArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return builder.start();
    }

    /**
     * Writes {@code dir/riposte.yaml} for a daemon with its intake socket at {@code dir/e.sock}, its
     * control socket at {@code dir/c.sock}, evidence in {@code dir/ev}, and {@code extraYaml} (other sections).
     */
    public static Path writeConfig(Path dir, Path reactions, Path statePath, String extraYaml) throws IOException {
        return writeConfig(dir, reactions, statePath, null, extraYaml);
    }

    /** The same, with {@code followed} as the one entry of {@code intake.files} (none when null). */
    public static Path writeConfig(Path dir, Path reactions, Path statePath, Path followed, String extraYaml)
            throws IOException {
        Path config = dir.resolve("riposte.yaml");
        String files = followed == null ? "" : ", files: [{path: " + followed + "}]";
        Files.writeString(
                config,
                """
                intake: {socket: %s, control_socket: %s%s}
                reactions: {dir: %s, warmup_runs: 0}
                evidence: {dir: %s}
                state: {path: %s}
                """.formatted(
                                        dir.resolve("e.sock"),
                                        dir.resolve("c.sock"),
                                        files,
                                        reactions,
                                        dir.resolve("ev"),
                                        statePath)
                        + extraYaml);
        return config;
    }

    /** What a CLI command printed (stdout and stderr together) and its exit status. */
    public record Cli(int status, String output) {}

    /** Runs {@code riposte ARGS} in its own JVM with the launcher's options, as an operator would (up to 60 s). */
    public static Cli cli(String... args) throws Exception {
        return cli(List.of(), args);
    }

    /** The same, started through {@code wrapper} (such as setpriv). */
    public static Cli cli(List<String> wrapper, String... args) throws Exception {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(riposte(LAUNCHER_JVM));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("riposte " + String.join(" ", args) + " did not finish:\n" + out);
        }
        return new Cli(p.exitValue(), out);
    }

    /** Writes {@code lines} (NDJSON) to an intake socket over one connection. */
    public static void send(Path socket, String... lines) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer buffer = ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
        }
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Reloads the reactions (riposte reload) and returns the answer. */
    public JsonNode reload() throws IOException {
        return TestDaemon.control(controlSocket, "{\"command\":\"reload\"}");
    }

    public JsonNode stats() throws IOException {
        return TestDaemon.control(controlSocket, "{\"command\":\"stats\"}");
    }

    /** Waits (up to 30 s) until the daemon has finished {@code count} events; returns the stats then. */
    public JsonNode awaitDone(long count) throws Exception {
        JsonNode stats = stats();
        for (int i = 0; i < 600 && stats.path("events").path("done").asLong() < count; i++) {
            Thread.sleep(50);
            stats = stats();
        }
        return stats;
    }

    /**
     * The audit records in the daemon's state database at {@code db}, once there are at least {@code count}
     * (the trail is written in batches), oldest first. Waits up to 2 minutes, since the memory bombs spend up to
     * ~16 s each in full collections, two workers at a time; fails naming what it found if fewer arrive.
     */
    public static List<AuditRecord> audit(Path db, int count) throws Exception {
        List<AuditRecord> records = List.of();
        for (int i = 0; i < 2400 && records.size() < count; i++) {
            if (i > 0) {
                Thread.sleep(50);
            }
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro")) {
                records = new AuditQuery(null, null, null, 100_000).run(c);
            } catch (java.sql.SQLException e) {
                records = List.of(); // not created yet
            }
        }
        if (records.size() < count) {
            throw new AssertionError("waited 2 minutes for " + count + " audit records in " + db + ", found "
                    + records.size() + ": " + records);
        }
        return records;
    }

    /** SIGKILL, as a crash or the OOM killer would end it; waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
