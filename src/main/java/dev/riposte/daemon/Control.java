package dev.riposte.daemon;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.intake.ControlService;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The control socket's protocol: one JSON request per line ({@code {"command":"stats"}}), one JSON answer
 * with {@code "ok"} first and, when it is false, {@code "error"} ({@link ControlService#error}). The records below are the answers' shapes,
 * written by the daemon and read by the command line, so that each field is named once; on the wire the
 * names are snake_case ({@code queueDepth} is {@code queue_depth}). A reader ignores fields it does not know,
 * so a newer daemon can answer an older command line. Thread-safe.
 */
public final class Control {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Control() {}

    /** The commands, as spelled on the wire. */
    public static final List<String> COMMANDS = List.of(
            "stats",
            "prometheus",
            "latency-reset",
            "blocks",
            "blocks-remove",
            "netpolicy-status",
            "netpolicy-flush",
            "reload");

    /** {@code answer} on the wire: {@code "ok": true} and its fields. */
    public static ObjectNode ok(Object answer) {
        return answer(true, answer);
    }

    /** {@code "ok"} as given, then {@code fields}' fields (a refusal is {@link ControlService#error}). */
    static ObjectNode answer(boolean ok, Object fields) {
        ObjectNode out = JSON.createObjectNode().put("ok", ok);
        out.setAll((ObjectNode) JSON.valueToTree(fields));
        return out;
    }

    /** Reads an answer's fields as {@code type}. */
    public static <T> T read(JsonNode answer, Class<T> type) {
        return JSON.convertValue(answer, type);
    }

    /** {@code stats}: the daemon's counters and state. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stats(
            long pid,
            long uptimeS,
            long rssKb,
            Events events,
            Log log,
            Intake intake,
            List<Source> sources,
            Runs runs,
            Latency latencyUs,
            Latency sinceDetectionUs,
            Reactions reactions,
            Netpolicy netpolicy) {}

    /** What became of the events received; {@code queueDepth} are admitted and not yet done. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Events(long received, long rejected, long dropped, long deduplicated, long done, long queueDepth) {}

    /** Log lines journald refused. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Log(long journalRefused) {}

    /** The sockets' refusals and errors. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Intake(long refusedPeers, long linesDroppedForMemory, long connectionErrors) {}

    /** One stream source (a followed file, standard input); {@code file} is "" when none is open. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Source(
            String source,
            String format,
            String file,
            long position,
            long handled,
            long lagBytes,
            long events,
            long rejected,
            long refusedOtherFormat,
            long rotations,
            long truncations,
            String state) {}

    /** Runs by how they ended. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Runs(long ok, long error, long timedOut, long skipped) {}

    /** Percentiles in microseconds over {@code count} events. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Latency(long count, long p50, long p90, long p99, long max) {}

    /** The reactions loaded and the files rejected (each with its reason). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reactions(List<Reaction> loaded, List<String> rejected) {}

    /** A loaded reaction. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reaction(String name, String file, boolean enabled) {}

    /** The bridge's state ({@code netpolicy-status} answers it inside {@link NetpolicyStatus}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Netpolicy(String backend, boolean active, String reason, long blocked, long domains, long repairs) {}

    /** {@code netpolicy-status}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NetpolicyStatus(Netpolicy netpolicy) {}

    /** {@code blocks}: what is blocked and which domains are followed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Blocks(boolean active, String reason, List<Block> blocks, List<Domain> domains) {}

    /** A block; {@code remainingS} is null for one without an end. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Block(
            String address,
            String reason,
            String reaction,
            String eventUuid,
            String created,
            @Nullable Long remainingS) {}

    /** A followed domain. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Domain(String domain, String reason, String reaction, String eventUuid, String created) {}

    /** {@code reload}: the reactions running now and the files rejected. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reload(int loaded, List<String> rejected) {}

    /** An effect's answer ({@code blocks-remove}, {@code netpolicy-flush}): its code, and why when it failed. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int code, @Nullable String error) {}
}
