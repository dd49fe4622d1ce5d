package dev.riposte.intake;

import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standard input as one more source ({@code riposte run --stdin}): read as a stream of JSON values like
 * a followed file. Its end does not stop the daemon, which goes on with its other sources. Thread-safe.
 */
public final class StdinSource implements AutoCloseable {
    static final int CHUNK = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(StdinSource.class);

    private final InputStream in;
    private final StreamIntake intake;
    private final ValueSplitter splitter;
    private final Thread reader;
    private volatile String state = "reading";
    private volatile long position;

    public StdinSource(InputStream in, StreamIntake intake, int maxEventBytes) {
        this.in = in;
        this.intake = intake;
        this.splitter = new ValueSplitter(maxEventBytes);
        // A daemon thread: a read of a terminal or pipe cannot be interrupted, and must not hold the exit.
        this.reader = Thread.ofPlatform().name("riposte-stdin").daemon().unstarted(this::read);
    }

    public void start() {
        reader.start();
    }

    private void read() {
        ValueSplitter.Sink sink = intake.sink(end -> () -> {});
        byte[] buffer = new byte[CHUNK];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                splitter.feed(buffer, 0, n, sink);
                position = splitter.position();
            }
            splitter.end(sink);
            state = "ended";
            LOG.info(
                    "intake: standard input ended after {} bytes; the daemon goes on with its other sources", position);
        } catch (StreamIntake.Stopped e) {
            state = "stopped";
        } catch (IOException e) {
            state = "failed: " + e.getMessage();
            LOG.error("intake: standard input: {}; it is no longer read", e.getMessage());
        }
    }

    public SourceStatus status() {
        return new SourceStatus(
                "stdin",
                intake.format().label(),
                "",
                position,
                position,
                0,
                intake.events(),
                intake.rejected(),
                intake.refused(),
                0,
                0,
                state);
    }

    @Override
    public void close() {
        intake.stop();
    }
}
