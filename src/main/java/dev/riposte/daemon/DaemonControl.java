package dev.riposte.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.base.EffectResult;
import dev.riposte.base.IpLiteral;
import dev.riposte.effect.netpolicy.Block;
import dev.riposte.effect.netpolicy.FollowedDomain;
import dev.riposte.effect.netpolicy.NetPolicyStatus;
import dev.riposte.intake.ControlService;
import dev.riposte.intake.SourceStatus;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionSet;
import dev.riposte.match.Rejection;
import dev.riposte.service.JournalAppender;
import dev.riposte.stats.Metrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The control socket's commands: {@code stats}, {@code latency-reset}, {@code blocks},
 * {@code blocks-remove}, {@code netpolicy-status}, {@code netpolicy-flush} and {@code reload}. Thread-safe.
 */
final class DaemonControl implements ControlService {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final Daemon daemon;

    DaemonControl(Daemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public ObjectNode handle(JsonNode request) {
        String command = request.path("command").asText("");
        return switch (command) {
            case "stats" -> stats();
            case "prometheus" -> JSON.objectNode().put("ok", true).put("text", daemon.prometheusText());
            case "latency-reset" -> {
                daemon.metrics().resetLatency();
                yield JSON.objectNode().put("ok", true);
            }
            case "blocks" -> blocks();
            case "blocks-remove" -> remove(request.path("target").asText(""));
            case "netpolicy-status" -> netpolicy(JSON.objectNode().put("ok", true));
            case "netpolicy-flush" -> result(daemon.netPolicy().flush());
            case "reload" -> {
                ReactionSet set = daemon.reload();
                ObjectNode out = JSON.objectNode()
                        .put("ok", true)
                        .put("loaded", set.loaded().size());
                ArrayNode rejected = out.putArray("rejected");
                set.rejected().forEach(r -> rejected.add(r.toString()));
                yield out;
            }
            default ->
                JSON.objectNode()
                        .put("ok", false)
                        .put(
                                "error",
                                "unknown command \"" + command
                                        + "\"; known: stats, prometheus, latency-reset, blocks, blocks-remove, netpolicy-status, netpolicy-flush, reload");
        };
    }

    private ObjectNode stats() {
        Metrics.Snapshot s = daemon.metrics().snapshot();
        ObjectNode out = JSON.objectNode().put("ok", true);
        out.put("pid", ProcessHandle.current().pid());
        out.put("uptime_s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        out.put("rss_kb", rssKb());
        out.putObject("events")
                .put("received", s.received())
                .put("rejected", s.rejected())
                .put("dropped", s.dropped())
                .put("deduplicated", s.deduplicated())
                .put("done", s.eventsDone())
                .put("queue_depth", daemon.inFlight());
        out.putObject("log").put("journal_refused", JournalAppender.dropped());
        out.putObject("intake")
                .put("refused_peers", s.refusedPeers())
                .put("lines_dropped_for_memory", s.pendingRefused())
                .put("connection_errors", s.connectionErrors());
        var sources = out.putArray("sources");
        for (SourceStatus src : daemon.sources()) {
            sources.addObject()
                    .put("source", src.source())
                    .put("format", src.format())
                    .put("file", src.file())
                    .put("position", src.position())
                    .put("handled", src.handled())
                    .put("lag_bytes", src.lag())
                    .put("events", src.events())
                    .put("rejected", src.rejected())
                    .put("refused_other_format", src.refused())
                    .put("rotations", src.rotations())
                    .put("truncations", src.truncations())
                    .put("state", src.state());
        }
        out.putObject("runs")
                .put("ok", s.runsOk())
                .put("error", s.runsError())
                .put("timed_out", s.runsTimedOut())
                .put("skipped", s.runsSkipped());
        Metrics.Latency l = s.latencyMicros();
        out.putObject("latency_us")
                .put("count", l.count())
                .put("p50", l.p50())
                .put("p90", l.p90())
                .put("p99", l.p99())
                .put("max", l.max());
        Metrics.Latency d = s.sinceDetectionMicros();
        out.putObject("since_detection_us")
                .put("count", d.count())
                .put("p50", d.p50())
                .put("p90", d.p90())
                .put("p99", d.p99())
                .put("max", d.max());
        ObjectNode reactions = out.putObject("reactions");
        var loaded = reactions.putArray("loaded");
        for (Reaction r : daemon.reactions().loaded()) {
            loaded.addObject()
                    .put("name", r.name())
                    .put("file", r.file().toString())
                    .put("enabled", r.enabled());
        }
        var rejected = reactions.putArray("rejected");
        for (Rejection r : daemon.reactions().rejected()) {
            rejected.add(r.toString());
        }
        netpolicy(out);
        return out;
    }

    private ObjectNode netpolicy(ObjectNode out) {
        NetPolicyStatus net = daemon.netPolicy().status();
        out.putObject("netpolicy")
                .put("backend", net.backend())
                .put("active", net.active())
                .put("reason", net.reason())
                .put("blocked", net.blocked())
                .put("domains", net.domains())
                .put("repairs", net.repairs());
        return out;
    }

    private ObjectNode blocks() {
        NetPolicyStatus net = daemon.netPolicy().status();
        ObjectNode out =
                JSON.objectNode().put("ok", true).put("active", net.active()).put("reason", net.reason());
        Instant now = Instant.now();
        ArrayNode list = out.putArray("blocks");
        for (Block b : daemon.netPolicy().blocks()) {
            ObjectNode o = list.addObject()
                    .put("address", IpLiteral.format(b.address()))
                    .put("reason", b.origin().reason())
                    .put("reaction", b.origin().reaction())
                    .put("event_uuid", b.origin().eventUuid())
                    .put("created", b.created().toString());
            if (b.permanent()) {
                o.putNull("remaining_s");
            } else {
                o.put("remaining_s", b.remaining(now).toSeconds());
            }
        }
        ArrayNode domains = out.putArray("domains");
        for (FollowedDomain d : daemon.netPolicy().domains()) {
            domains.addObject()
                    .put("domain", d.domain())
                    .put("reason", d.origin().reason())
                    .put("reaction", d.origin().reaction())
                    .put("event_uuid", d.origin().eventUuid())
                    .put("created", d.created().toString());
        }
        return out;
    }

    /** Lifts the block of an address, or stops following a domain. */
    private ObjectNode remove(String target) {
        if (target.isEmpty()) {
            return JSON.objectNode()
                    .put("ok", false)
                    .put("error", "blocks-remove needs a target (an address or a domain)");
        }
        InetAddress address;
        try {
            address = IpLiteral.parse(target);
        } catch (IllegalArgumentException notAnAddress) {
            return result(daemon.netPolicy().unblockDomain(target.toLowerCase(java.util.Locale.ROOT)));
        }
        return result(daemon.netPolicy().unblock(address));
    }

    private static ObjectNode result(EffectResult r) {
        ObjectNode out = JSON.objectNode().put("ok", !r.failed()).put("code", r.code());
        if (r.failed()) {
            out.put("error", r.error());
        }
        return out;
    }

    /** The resident set size from /proc/self/status, or -1. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
