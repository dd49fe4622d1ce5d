package dev.riposte.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.config.RiposteConfig;
import dev.riposte.daemon.Control;
import java.io.IOException;
import java.io.PrintWriter;
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
                config.out().print(fetch(loaded, "prometheus").path("text").asText());
                return 0;
            }
            stats = fetch(loaded, "stats");
        } catch (IOException e) {
            config.err().println("riposte: " + e.getMessage());
            return 1;
        }
        if (json) {
            config.out().println(stats);
        } else {
            print(Control.read(stats, Control.Stats.class), config.out());
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

    /** The daemon's {@code stats} answer. */
    static Control.Stats stats(RiposteConfig config) throws IOException {
        return Control.read(fetch(config, "stats"), Control.Stats.class);
    }

    static void print(Control.Stats s, PrintWriter out) {
        Control.Events e = s.events();
        Control.Runs r = s.runs();
        Control.Latency l = s.latencyUs();
        out.printf("riposte pid %d, up %d s, rss %d kB%n", s.pid(), s.uptimeS(), s.rssKb());
        out.printf(
                "events    received %d  rejected %d  dropped %d  deduplicated %d  done %d  queue %d%n",
                e.received(), e.rejected(), e.dropped(), e.deduplicated(), e.done(), e.queueDepth());
        Control.Intake i = s.intake();
        out.printf(
                "intake    refused peers %d  lines dropped for memory %d  connection errors %d  journal refused %d%n",
                i.refusedPeers(),
                i.linesDroppedForMemory(),
                i.connectionErrors(),
                s.log().journalRefused());
        for (Control.Source src : s.sources()) {
            out.printf(
                    "source    %s (%s): %s; %d events, %d rejected, %d of another format; %d rotations, %d truncations%n",
                    src.source(),
                    src.format(),
                    src.state(),
                    src.events(),
                    src.rejected(),
                    src.refusedOtherFormat(),
                    src.rotations(),
                    src.truncations());
            if (!src.file().isEmpty()) {
                out.printf(
                        "          %s: read to byte %d, handled to byte %d, lag %d bytes%n",
                        src.file(), src.position(), src.handled(), src.lagBytes());
            }
        }
        out.printf(
                "runs      ok %d  error %d  timed_out %d  skipped %d%n", r.ok(), r.error(), r.timedOut(), r.skipped());
        out.printf(
                "latency   ingest->done over %d events: p50 %d us  p90 %d us  p99 %d us  max %d us%n",
                l.count(), l.p50(), l.p90(), l.p99(), l.max());
        Control.Latency d = s.sinceDetectionUs();
        out.printf(
                "          detection->done over %d events (from each event's own time): p50 %d us  p90 %d us  p99 %d us  max %d us%n",
                d.count(), d.p50(), d.p90(), d.p99(), d.max());
        out.printf("netpolicy %s%n", NetpolicyCommand.line(s.netpolicy()));
        Control.Reactions reactions = s.reactions();
        out.printf(
                "reactions %d loaded, %d rejected%n",
                reactions.loaded().size(), reactions.rejected().size());
        for (Control.Reaction loaded : reactions.loaded()) {
            out.printf("  %-24s %s%s%n", loaded.name(), loaded.file(), loaded.enabled() ? "" : " (disabled)");
        }
        for (String rejected : reactions.rejected()) {
            out.printf("  rejected: %s%n", rejected);
        }
    }
}
