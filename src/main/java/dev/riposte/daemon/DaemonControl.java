package dev.riposte.daemon;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The daemon's answers to the control socket's commands ({@link Control}). Thread-safe. */
final class DaemonControl implements ControlService {
    private final Daemon daemon;

    DaemonControl(Daemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public ObjectNode handle(JsonNode request) {
        String command = request.path("command").asText("");
        return switch (command) {
            case "stats" -> Control.ok(stats());
            case "prometheus" -> Control.ok(new Prometheus(daemon.prometheusText()));
            case "latency-reset" -> {
                daemon.metrics().resetLatency();
                yield Control.ok(new Empty());
            }
            case "blocks" -> Control.ok(blocks());
            case "blocks-remove" -> remove(request.path("target").asText(""));
            case "netpolicy-status" -> Control.ok(new Control.NetpolicyStatus(netpolicy()));
            case "netpolicy-flush" -> result(daemon.netPolicy().flush());
            case "reload" -> {
                ReactionSet set = daemon.reload();
                yield Control.ok(new Control.Reload(
                        set.loaded().size(),
                        set.rejected().stream().map(Rejection::toString).toList()));
            }
            default ->
                ControlService.error(
                        "unknown command \"" + command + "\"; known: " + String.join(", ", Control.COMMANDS));
        };
    }

    private record Prometheus(String text) {}

    private record Empty() {}

    private Control.Stats stats() {
        Metrics.Snapshot s = daemon.metrics().snapshot();
        return new Control.Stats(
                ProcessHandle.current().pid(),
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000,
                rssKb(),
                new Control.Events(
                        s.received(), s.rejected(), s.dropped(), s.deduplicated(), s.eventsDone(), daemon.inFlight()),
                new Control.Log(JournalAppender.dropped()),
                new Control.Intake(s.refusedPeers(), s.pendingRefused(), s.connectionErrors()),
                daemon.sources().stream().map(DaemonControl::source).toList(),
                new Control.Runs(s.runsOk(), s.runsError(), s.runsTimedOut(), s.runsSkipped()),
                latency(s.latencyMicros()),
                latency(s.sinceDetectionMicros()),
                new Control.Reactions(
                        daemon.reactions().loaded().stream()
                                .map(DaemonControl::reaction)
                                .toList(),
                        daemon.reactions().rejected().stream()
                                .map(Rejection::toString)
                                .toList()),
                netpolicy());
    }

    private static Control.Source source(SourceStatus s) {
        return new Control.Source(
                s.source(),
                s.format(),
                s.file(),
                s.position(),
                s.handled(),
                s.lag(),
                s.events(),
                s.rejected(),
                s.refused(),
                s.rotations(),
                s.truncations(),
                s.state());
    }

    private static Control.Latency latency(Metrics.Latency l) {
        return new Control.Latency(l.count(), l.p50(), l.p90(), l.p99(), l.max());
    }

    private static Control.Reaction reaction(Reaction r) {
        return new Control.Reaction(r.name(), r.file().toString(), r.enabled());
    }

    private Control.Netpolicy netpolicy() {
        NetPolicyStatus net = daemon.netPolicy().status();
        return new Control.Netpolicy(
                net.backend(), net.active(), net.reason(), net.blocked(), net.domains(), net.repairs());
    }

    private Control.Blocks blocks() {
        NetPolicyStatus net = daemon.netPolicy().status();
        Instant now = Instant.now();
        List<Control.Block> blocks =
                daemon.netPolicy().blocks().stream().map(b -> block(b, now)).toList();
        List<Control.Domain> domains =
                daemon.netPolicy().domains().stream().map(DaemonControl::domain).toList();
        return new Control.Blocks(net.active(), net.reason(), blocks, domains);
    }

    private static Control.Block block(Block b, Instant now) {
        return new Control.Block(
                IpLiteral.format(b.address()),
                b.origin().reason(),
                b.origin().reaction(),
                b.origin().eventUuid(),
                b.created().toString(),
                b.permanent() ? null : Objects.requireNonNull(b.remaining(now)).toSeconds());
    }

    private static Control.Domain domain(FollowedDomain d) {
        return new Control.Domain(
                d.domain(),
                d.origin().reason(),
                d.origin().reaction(),
                d.origin().eventUuid(),
                d.created().toString());
    }

    /** Lifts the block of an address, or stops following a domain. */
    private ObjectNode remove(String target) {
        if (target.isEmpty()) {
            return ControlService.error("blocks-remove needs a target (an address or a domain)");
        }
        InetAddress address;
        try {
            address = IpLiteral.parse(target);
        } catch (IllegalArgumentException notAnAddress) {
            return result(daemon.netPolicy().unblockDomain(target.toLowerCase(Locale.ROOT)));
        }
        return result(daemon.netPolicy().unblock(address));
    }

    /** An effect's answer: ok unless it failed, its code, and the reason when it failed. */
    private static ObjectNode result(EffectResult r) {
        return Control.answer(!r.failed(), new Control.Result(r.code(), r.failed() ? r.error() : null));
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
