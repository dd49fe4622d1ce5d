package dev.riposte.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.config.RiposteConfig;
import dev.riposte.daemon.Control;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code riposte bench}: a load generator against a running daemon. Writes {@code --count} events (the
 * given samples in turn, each with a fresh uuid so that dedup does not skip them, and its own time set to
 * the moment it is written) to the daemon's intake socket or, with {@code --file}, appends them to a file
 * the daemon follows; paced at {@code --rate} per second or unpaced; waits until {@code stats} shows them
 * done, and prints one JSON line.
 */
@Command(name = "bench", description = "Send N events to a running daemon and report throughput and latency.")
public final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Unpaced, events leave in writes of about this size, as a detector's buffered writer would. */
    private static final int WRITE_BYTES = 64 * 1024;
    /**
     * How often {@code stats} is asked while many events are still in the daemon, and once few are left.
     * Each request costs the daemon CPU; an unpaced file run writes everything in seconds and then waits
     * many more for the daemon, and asking every few ms all that time slowed what it measured.
     */
    private static final long POLL_FAR_MILLIS = 100;

    private static final long POLL_NEAR_MILLIS = 5;
    private static final long NEAR_EVENTS = 200;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--events",
            paramLabel = "FILE",
            defaultValue = "examples/events/samples.ndjson",
            description = "NDJSON sample events to cycle through (default: ${DEFAULT-VALUE})")
    Path events;

    @Option(
            names = "--file",
            paramLabel = "PATH",
            description =
                    "append the events to this file, one of the daemon's intake.files, instead of sending them to its socket")
    Path file;

    @Option(names = "--count", defaultValue = "100000", description = "events to send (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--rate", description = "events per second; unpaced when omitted")
    Integer rate;

    @Option(
            names = "--timeout",
            defaultValue = "600",
            description = "seconds to wait for the daemon (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        List<BenchEvent> templates;
        try {
            templates = BenchEvent.all(Files.readAllLines(events));
        } catch (IOException e) {
            config.err().println("riposte: " + events + ": " + e.getMessage());
            return 2;
        }
        if (templates.isEmpty()) {
            config.err().println("riposte: no events in " + events);
            return 2;
        }
        StatsCommand.fetch(loaded, "latency-reset");
        Control.Stats before = StatsCommand.stats(loaded);
        if (file != null && !followed(before, file)) {
            config.err()
                    .println("riposte: the daemon does not follow "
                            + file.toAbsolutePath().normalize()
                            + "; add it to intake.files (riposte stats lists the files it follows)");
            return 2;
        }
        long baseline = finished(before);
        String runId = Long.toString(System.currentTimeMillis(), 36);
        Clock clock = Clock.systemUTC();
        Instant last = Instant.EPOCH;
        long start = System.nanoTime();
        try (OutputStream out = new BufferedOutputStream(target(loaded), WRITE_BYTES)) {
            long interval = rate == null ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
            for (long i = 0; i < count; i++) {
                if (interval > 0) {
                    long due = start + i * interval;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                }
                // Every event's time is distinct, so formats whose uuid is derived from it stay unique.
                Instant now = clock.instant();
                last = now.isAfter(last) ? now : last.plusNanos(1);
                BenchEvent t = templates.get((int) (i % templates.size()));
                out.write(t.text("bench-" + runId + "-" + i, last).getBytes(StandardCharsets.UTF_8));
                if (interval > 0) {
                    out.flush();
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Control.Stats stats = StatsCommand.stats(loaded);
        for (long left = count - (finished(stats) - baseline); left > 0; left = count - (finished(stats) - baseline)) {
            if (System.nanoTime() > deadline) {
                config.err()
                        .println("riposte: the daemon finished " + (count - left) + " of " + count + " events within "
                                + timeoutSeconds + " s");
                return 1;
            }
            Thread.sleep(left > NEAR_EVENTS ? POLL_FAR_MILLIS : POLL_NEAR_MILLIS);
            stats = StatsCommand.stats(loaded);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        ObjectNode result = JSON.createObjectNode();
        result.put("via", file == null ? "socket" : "file");
        result.put("count", count);
        if (rate == null) {
            result.putNull("rate");
        } else {
            result.put("rate", rate);
        }
        result.put("elapsed_s", Math.round(elapsed * 1000) / 1000.0);
        result.put("throughput_per_s", Math.round(count / elapsed));
        result.set("latency_us", percentiles(stats.latencyUs()));
        result.set("write_to_done_us", percentiles(stats.sinceDetectionUs()));
        result.put("rss_kb", stats.rssKb());
        config.out().println(result);
        return 0;
    }

    private static ObjectNode percentiles(Control.Latency l) {
        return JSON.createObjectNode()
                .put("p50", l.p50())
                .put("p90", l.p90())
                .put("p99", l.p99())
                .put("max", l.max());
    }

    private static boolean followed(Control.Stats stats, Path file) {
        String wanted = file.toAbsolutePath().normalize().toString();
        return stats.sources().stream().anyMatch(s -> s.source().equals(wanted));
    }

    /** Events that left the daemon, one way or the other. */
    private static long finished(Control.Stats stats) {
        return stats.events().done() + stats.events().dropped();
    }

    /** Where the events go: the intake socket, or the end of a followed file; closing it closes that. */
    private OutputStream target(RiposteConfig loaded) throws IOException {
        if (file == null) {
            return SocketClient.connect(loaded.intake().socket()).output();
        }
        return Channels.newOutputStream(
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }
}
