package dev.riposte.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.audit.AuditQuery;
import dev.riposte.audit.AuditRecord;
import dev.riposte.base.Durations;
import dev.riposte.base.HelperCall;
import dev.riposte.config.RiposteConfig;
import dev.riposte.daemon.Components;
import dev.riposte.effect.state.StateStore;
import dev.riposte.effect.state.StoreException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code riposte audit}: reads the audit trail from the state store (the daemon need not run). */
@Command(name = "audit", description = "Show audited runs from the state store, oldest first.")
public final class AuditCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--reaction", paramLabel = "NAME", description = "only runs of this reaction")
    String reaction;

    @Option(names = "--event", paramLabel = "UUID", description = "only runs for this event")
    String event;

    @Option(
            names = "--since",
            paramLabel = "WHEN",
            description = "only runs since this long ago (30s, 15m, 1h, 7d) or since this time (2026-11-27T10:00:00Z)")
    String since;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "100",
            description = "at most the newest N runs (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--json", description = "one JSON object per line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        Instant from = null;
        if (since != null) {
            from = parseSince(since);
            if (from == null) {
                err.println("riposte audit: --since must be a duration such as 15m, 1h or 7d, or a time such as "
                        + "2026-11-27T10:00:00Z. Found: " + since);
                return 2;
            }
        }
        if (limit < 1) {
            err.println("riposte audit: --limit must be at least 1. Found: " + limit);
            return 2;
        }
        List<AuditRecord> records;
        try (StateStore store = StateStore.openReadOnly(loaded.state().path(), Components.SCHEMA)) {
            AuditQuery query = new AuditQuery(reaction, event, from, limit);
            records = store.transaction(query::run);
        } catch (StoreException e) {
            err.println("riposte audit: " + e.getMessage());
            return 1;
        }
        for (AuditRecord r : records) {
            out.println(json ? json(r) : line(r));
        }
        out.flush();
        return 0;
    }

    static @Nullable Instant parseSince(String text) {
        Duration ago = Durations.parse(text);
        if (ago != null) {
            return Instant.now().minus(ago);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The record as one JSON object; the time as RFC 3339 text. */
    static String json(AuditRecord r) throws Exception {
        ObjectNode node = JSON.createObjectNode()
                .put("time", r.time().toString())
                .put("eventUuid", r.eventUuid())
                .put("eventName", r.eventName())
                .put("eventKind", r.eventKind())
                .put("reaction", r.reaction())
                .put("reactionHash", r.reactionHash())
                .put("outcome", r.outcome())
                .put("detail", r.detail())
                .put("durationMicros", r.durationMicros());
        node.set("calls", JSON.valueToTree(r.calls()));
        return JSON.writeValueAsString(node);
    }

    private static String line(AuditRecord r) {
        String calls = r.calls().stream().map(HelperCall::toString).collect(Collectors.joining(", "));
        return r.time() + "  " + r.outcome() + "  " + r.reaction() + "  " + r.eventUuid() + "  " + r.eventName() + "  "
                + r.durationMicros() + "us" + (calls.isEmpty() ? "" : "  " + calls)
                + (r.detail().isEmpty() ? "" : "  (" + r.detail() + ")");
    }
}
