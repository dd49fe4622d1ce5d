package dev.riposte.cli;

import dev.riposte.base.Text;
import dev.riposte.config.RiposteConfig;
import dev.riposte.intake.ValueSplitter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code riposte send}: reads JSON events (one per line, pretty-printed or concatenated) and writes
 * each to the intake socket as one line as soon as it is whole. Exit status: 0 when everything read was
 * sent, 1 when some input was not a JSON object (each said on stderr) or the socket failed, 2 for a bad
 * configuration.
 */
@Command(
        name = "send",
        description = "Send JSON events (one per line, pretty-printed or concatenated) to the daemon's "
                + "intake socket, each as soon as it is read.")
public final class SendCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Parameters(
            arity = "0..1",
            paramLabel = "FILE",
            defaultValue = "-",
            description = "file of JSON events, or - for standard input (default)")
    String file;

    @Override
    public Integer call() {
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        Path socket = loaded.intake().socket();
        Counting counted = new Counting(config.err());
        try (InputStream source = file.equals("-")
                        ? new FileInputStream(FileDescriptor.in)
                        : Files.newInputStream(Path.of(file));
                SocketClient client = SocketClient.connect(socket)) {
            counted.out = new java.io.BufferedOutputStream(client.output(), 64 * 1024);
            ValueSplitter splitter = new ValueSplitter(loaded.intake().maxEventBytes());
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = source.read(buffer)) > 0) {
                splitter.feed(buffer, 0, n, counted);
                counted.out.flush();
            }
            splitter.end(counted);
            if (counted.failure != null) {
                throw counted.failure;
            }
            counted.out.flush();
        } catch (IOException e) {
            config.err().println("riposte: send failed after " + counted.events + " events: " + e.getMessage());
            return 1;
        }
        config.out()
                .println("sent " + counted.events + (counted.events == 1 ? " event (" : " events (") + counted.bytes
                        + " bytes) to " + socket
                        + (counted.skipped > 0
                                ? "; skipped " + counted.skipped + " pieces of input that " + "were not JSON objects"
                                : ""));
        return counted.skipped > 0 ? 1 : 0;
    }

    /** Writes each value as one line (a JSON string holds no raw newline, so the value's own are white space). */
    private static final class Counting implements ValueSplitter.Sink {
        final PrintWriter err;

        @Nullable
        OutputStream out;

        long events;
        long bytes;
        long skipped;

        @Nullable
        IOException failure;

        Counting(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void value(byte[] value, int length, long start, long end) {
            if (failure != null) {
                return;
            }
            for (int i = 0; i < length; i++) {
                if (value[i] == '\n' || value[i] == '\r') {
                    value[i] = ' ';
                }
            }
            OutputStream out = Objects.requireNonNull(this.out, "connected before the first value");
            try {
                out.write(value, 0, length);
                out.write('\n');
                events++;
                bytes += length + 1;
            } catch (IOException e) {
                failure = e;
            }
        }

        @Override
        public void garbage(long start, String reason, byte[] quoted) {
            skipped++;
            err.println("riposte: skipped input at byte " + start + ": " + reason + "; it starts with \""
                    + Text.escape(new String(quoted, StandardCharsets.UTF_8)) + "\"");
        }
    }
}
