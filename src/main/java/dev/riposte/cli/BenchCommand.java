package dev.riposte.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.config.RiposteConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code riposte bench}: a load generator against a running daemon. Sends {@code --count} events
 * (the given samples in turn, each with a fresh uuid so that dedup does not skip them), paced at
 * {@code --rate} per second or as fast as the socket takes them, waits until {@code stats} shows them
 * done, and prints one JSON line.
 */
@Command(name = "bench", description = "Send N events to a running daemon and report throughput and latency.")
public final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOption config;

    @Option(names = "--events", paramLabel = "FILE", defaultValue = "examples/events/samples.ndjson",
            description = "NDJSON sample events to cycle through (default: ${DEFAULT-VALUE})")
    Path events;

    @Option(names = "--count", defaultValue = "100000", description = "events to send (default: ${DEFAULT-VALUE})")
    long count;

    @Option(names = "--rate", description = "events per second; unpaced when omitted")
    Integer rate;

    @Option(names = "--timeout", defaultValue = "600", description = "seconds to wait for the daemon (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        List<String[]> templates = templates(Files.readAllLines(events));
        if (templates.isEmpty()) {
            System.err.println("riposte: no events in " + events);
            return 2;
        }
        StatsCommand.fetch(loaded, "latency-reset");
        long baseline = finished(StatsCommand.fetch(loaded, "stats"));
        String runId = Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime();
        try (SocketClient client = SocketClient.connect(loaded.intake().socket())) {
            OutputStream out = new BufferedOutputStream(client.output(), 256 * 1024);
            long interval = rate == null ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
            for (long i = 0; i < count; i++) {
                String[] t = templates.get((int) (i % templates.size()));
                out.write((t[0] + "bench-" + runId + "-" + i + t[1] + "\n").getBytes(StandardCharsets.UTF_8));
                if (interval > 0) {
                    out.flush();
                    long due = start + (i + 1) * interval;
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
            out.flush();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        JsonNode stats;
        while (finished(stats = StatsCommand.fetch(loaded, "stats")) - baseline < count) {
            if (System.nanoTime() > deadline) {
                System.err.println("riposte: the daemon finished " + (finished(stats) - baseline) + " of " + count
                        + " events within " + timeoutSeconds + " s");
                return 1;
            }
            Thread.sleep(5);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        ObjectNode result = JSON.createObjectNode();
        result.put("count", count);
        if (rate == null) {
            result.putNull("rate");
        } else {
            result.put("rate", rate);
        }
        result.put("elapsed_s", Math.round(elapsed * 1000) / 1000.0);
        result.put("throughput_per_s", Math.round(count / elapsed));
        JsonNode l = stats.path("latency_us");
        result.putObject("latency_us").put("p50", l.path("p50").asLong()).put("p90", l.path("p90").asLong())
                .put("p99", l.path("p99").asLong()).put("max", l.path("max").asLong());
        result.put("rss_kb", stats.path("rss_kb").asLong());
        System.out.println(result);
        return 0;
    }

    /** Events that left the daemon, one way or the other. */
    private static long finished(JsonNode stats) {
        return stats.path("events").path("done").asLong() + stats.path("events").path("dropped").asLong();
    }

    /** Each line split around the value of its top-level uuid, so a new uuid can be put in without re-encoding. */
    static List<String[]> templates(List<String> lines) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String uuid = JSON.readTree(line).path("uuid").asText();
            String marker = "\"uuid\":\"" + uuid + "\"";
            int at = line.indexOf(marker);
            if (uuid.isEmpty() || at < 0) {
                throw new IOException("a sample event has no top-level \"uuid\" to replace: " + line.substring(0, Math.min(80, line.length())));
            }
            int valueStart = at + "\"uuid\":\"".length();
            out.add(new String[] {line.substring(0, valueStart), line.substring(valueStart + uuid.length())});
        }
        return out;
    }
}
