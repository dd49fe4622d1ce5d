package dev.riposte.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.config.RiposteConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code riposte stats}: the daemon's counters, latency, reactions and netpolicy state. */
@Command(name = "stats", description = "Show the running daemon's counters and state.")
public final class StatsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "print the daemon's JSON answer as is")
    boolean json;

    @Option(
            names = "--prometheus",
            description = "print the Prometheus series (text format, as /metrics serves "
                    + "them), for the node exporter's textfile collector")
    boolean prometheus;

    @Override
    public Integer call() {
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        JsonNode stats;
        try {
            if (prometheus) {
                System.out.print(fetch(loaded, "prometheus").path("text").asText());
                return 0;
            }
            stats = fetch(loaded, "stats");
        } catch (IOException e) {
            System.err.println("riposte: " + e.getMessage());
            return 1;
        }
        if (json) {
            System.out.println(stats);
        } else {
            print(stats, System.out);
        }
        return 0;
    }

    /** Sends one control command and returns the answer, failing on {@code ok: false}. */
    static JsonNode fetch(RiposteConfig config, String command) throws IOException {
        return fetch(config, JSON.createObjectNode().put("command", command));
    }

    /** Sends one control request and returns the answer, failing on {@code ok: false} with the daemon's reason. */
    static JsonNode fetch(RiposteConfig config, ObjectNode request) throws IOException {
        try (SocketClient client = SocketClient.connect(config.intake().controlSocket())) {
            JsonNode answer = JSON.readTree(client.request(JSON.writeValueAsString(request)));
            if (!answer.path("ok").asBoolean()) {
                throw new IOException(answer.path("error")
                        .asText("the daemon refused " + request.path("command").asText()));
            }
            return answer;
        }
    }

    static void print(JsonNode s, PrintStream out) {
        JsonNode e = s.path("events");
        JsonNode r = s.path("runs");
        JsonNode l = s.path("latency_us");
        JsonNode n = s.path("netpolicy");
        out.printf(
                "riposte pid %d, up %d s, rss %d kB%n",
                s.path("pid").asLong(),
                s.path("uptime_s").asLong(),
                s.path("rss_kb").asLong());
        out.printf(
                "events    received %d  rejected %d  dropped %d  deduplicated %d  done %d  queue %d%n",
                e.path("received").asLong(),
                e.path("rejected").asLong(),
                e.path("dropped").asLong(),
                e.path("deduplicated").asLong(),
                e.path("done").asLong(),
                e.path("queue_depth").asLong());
        JsonNode i = s.path("intake");
        out.printf(
                "intake    refused peers %d  lines dropped for memory %d  connection errors %d  journal refused %d%n",
                i.path("refused_peers").asLong(),
                i.path("lines_dropped_for_memory").asLong(),
                i.path("connection_errors").asLong(),
                s.path("log").path("journal_refused").asLong());
        for (JsonNode src : s.path("sources")) {
            out.printf(
                    "source    %s (%s): %s; %d events, %d rejected, %d of another format; %d rotations, %d truncations%n",
                    src.path("source").asText(),
                    src.path("format").asText(),
                    src.path("state").asText(),
                    src.path("events").asLong(),
                    src.path("rejected").asLong(),
                    src.path("refused_other_format").asLong(),
                    src.path("rotations").asLong(),
                    src.path("truncations").asLong());
            if (!src.path("file").asText().isEmpty()) {
                out.printf(
                        "          %s: read to byte %d, handled to byte %d, lag %d bytes%n",
                        src.path("file").asText(),
                        src.path("position").asLong(),
                        src.path("handled").asLong(),
                        src.path("lag_bytes").asLong());
            }
        }
        out.printf(
                "runs      ok %d  error %d  timed_out %d  skipped %d%n",
                r.path("ok").asLong(),
                r.path("error").asLong(),
                r.path("timed_out").asLong(),
                r.path("skipped").asLong());
        out.printf(
                "latency   ingest->done over %d events: p50 %d us  p90 %d us  p99 %d us  max %d us%n",
                l.path("count").asLong(),
                l.path("p50").asLong(),
                l.path("p90").asLong(),
                l.path("p99").asLong(),
                l.path("max").asLong());
        JsonNode d = s.path("since_detection_us");
        out.printf(
                "          detection->done over %d events (from each event's own time): p50 %d us  p90 %d us  p99 %d us  max %d us%n",
                d.path("count").asLong(),
                d.path("p50").asLong(),
                d.path("p90").asLong(),
                d.path("p99").asLong(),
                d.path("max").asLong());
        out.printf("netpolicy %s%n", NetpolicyCommand.line(n));
        JsonNode reactions = s.path("reactions");
        out.printf(
                "reactions %d loaded, %d rejected%n",
                reactions.path("loaded").size(), reactions.path("rejected").size());
        for (JsonNode loaded : reactions.path("loaded")) {
            out.printf(
                    "  %-24s %s%s%n",
                    loaded.path("name").asText(),
                    loaded.path("file").asText(),
                    loaded.path("enabled").asBoolean() ? "" : " (disabled)");
        }
        for (JsonNode rejected : reactions.path("rejected")) {
            out.printf("  rejected: %s%n", rejected.asText());
        }
    }
}
