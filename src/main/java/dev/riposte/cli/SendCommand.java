package dev.riposte.cli;

import dev.riposte.config.RiposteConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code riposte send}: writes NDJSON events to the intake socket. */
@Command(name = "send", description = "Send newline-delimited JSON events to the daemon's intake socket.")
public final class SendCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(arity = "0..1", paramLabel = "FILE", defaultValue = "-",
            description = "NDJSON file, or - for standard input (default)")
    String file;

    @Override
    public Integer call() {
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        Path socket = loaded.intake().socket();
        long lines = 0;
        long bytes = 0;
        try (InputStream source = file.equals("-") ? System.in : Files.newInputStream(Path.of(file));
             BufferedReader reader = new BufferedReader(new InputStreamReader(source, StandardCharsets.UTF_8));
             SocketClient client = SocketClient.connect(socket)) {
            OutputStream out = new java.io.BufferedOutputStream(client.output(), 64 * 1024);
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                byte[] data = (line + "\n").getBytes(StandardCharsets.UTF_8);
                out.write(data);
                lines++;
                bytes += data.length;
            }
            out.flush();
        } catch (IOException e) {
            System.err.println("riposte: send failed after " + lines + " events: " + e.getMessage());
            return 1;
        }
        System.out.println("sent " + lines + (lines == 1 ? " event (" : " events (") + bytes + " bytes) to " + socket);
        return 0;
    }
}
