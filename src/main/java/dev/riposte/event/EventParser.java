package dev.riposte.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Turns the text of one JSON value into an {@link Event}: {@link TopLevel} reads it in a single streaming
 * pass (exactly one JSON object, no duplicate keys), its format is recognised from its top-level keys, and
 * only the fields matching needs are mapped; no tree is built, so a queued event costs little more than its
 * text. Thread-safe.
 *
 * <p>Recognition: a Falco alert has the strings {@code rule} and {@code priority} and an {@code output}
 * or {@code output_fields}; a Tetragon event has the string {@code node_name} and exactly one object
 * member besides Tetragon's own top-level keys (its event type); everything else is a Jibril event.
 */
public final class EventParser {
    /** Parses one event of any format; {@code receivedNanos} is stamped on it. */
    public Event parse(String text, long receivedNanos) throws BadEventException {
        return parse(text, receivedNanos, FormatChoice.AUTO);
    }

    /** Parses one event; an event of a format {@code accepted} does not include is refused. */
    public Event parse(String text, long receivedNanos, FormatChoice accepted) throws BadEventException {
        Scanned.Top top = TopLevel.read(text);
        Format format = top.format();
        if (!accepted.accepts(format)) {
            throw BadEventException.refused(format, accepted);
        }
        return switch (format) {
            case JIBRIL -> jibril(top, text, receivedNanos);
            case FALCO -> falco(top, text, receivedNanos);
            case TETRAGON -> tetragon(top, text, receivedNanos);
        };
    }

    private static Event jibril(Scanned.Top top, String text, long receivedNanos) {
        Scanned.Fields data = top.data;
        if (data != null && top.hasKind && top.jibril.uuid == null && !top.jibril.hasMetadata) {
            Scanned.Fields e = data; // Garnet's envelope: the event is its data
            return new Event(
                    Format.JIBRIL,
                    orEmpty(e.uuid),
                    orEmpty(e.name),
                    orEmpty(e.kind),
                    Importance.parse(e.importance),
                    orEmpty(e.tactic),
                    orEmpty(e.technique),
                    time(e.timestamp),
                    text.substring(top.dataStart, top.dataEnd),
                    receivedNanos);
        }
        if (data != null && data.hasHead && top.jibril.uuid == null && !top.jibril.hasMetadata) {
            // Jibril's older printer envelope: the detector wrote it this way, so data is all of it.
            return new Event(
                    Format.JIBRIL,
                    orEmpty(data.uniqueId),
                    orEmpty(data.headName),
                    "",
                    Importance.parse(data.headImportance),
                    "",
                    "",
                    time(data.timestamp),
                    text,
                    receivedNanos);
        }
        Scanned.Fields e = top.jibril;
        return new Event(
                Format.JIBRIL,
                orEmpty(e.uuid),
                orEmpty(e.name),
                orEmpty(e.kind),
                Importance.parse(e.importance),
                orEmpty(e.tactic),
                orEmpty(e.technique),
                time(e.timestamp),
                text,
                receivedNanos);
    }

    private static Event falco(Scanned.Top top, String text, long receivedNanos) {
        // Falco's own alerts carry no id; falcosidekick adds one. Otherwise one alert is one rule on one
        // event of one host at one nanosecond, so those name it (docs/events.md).
        String rule = Objects.requireNonNull(top.rule, "a Falco alert has its rule (Top.format)");
        String uuid = top.jibril.uuid != null
                ? top.jibril.uuid
                : derivedUuid("falco", orEmpty(top.hostname), orEmpty(top.time), rule, orEmpty(top.source));
        Mitre mitre = Mitre.of(top.tags);
        return new Event(
                Format.FALCO,
                uuid,
                rule,
                orEmpty(top.source),
                falcoImportance(top.priority),
                mitre.tactic,
                mitre.technique,
                time(top.time),
                text,
                receivedNanos);
    }

    private static Event tetragon(Scanned.Top top, String text, long receivedNanos) {
        // Top.format: a Tetragon event has its node name and one event type, the body.
        Scanned.Body b = Objects.requireNonNull(top.body, "body");
        String type = Objects.requireNonNull(top.bodyKey, "body key");
        String name = b.policyName != null && !b.policyName.isEmpty() ? b.policyName : type;
        String uuid = derivedUuid(
                "tetragon",
                Objects.requireNonNull(top.nodeName, "node_name"),
                orEmpty(top.time),
                type,
                orEmpty(b.execId),
                orEmpty(b.policyName),
                orEmpty(b.functionName));
        Mitre mitre = Mitre.of(b.tags);
        return new Event(
                Format.TETRAGON,
                uuid,
                name,
                type,
                Optional.empty(),
                mitre.tactic,
                mitre.technique,
                time(top.time),
                text,
                receivedNanos);
    }

    /**
     * An RFC 3339 time such as {@code 2026-07-23T08:14:22.531904117Z}; nothing for none, for one that
     * does not parse, and for Go's zero time ({@code 0001-01-01T00:00:00Z}) or anything at or before the
     * epoch, which are placeholders. Every time riposte reads from an event (detection, process starts).
     */
    static Optional<Instant> time(@Nullable String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant t = Instant.parse(text);
            return t.getEpochSecond() <= 0 ? Optional.empty() : Optional.of(t);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A name-based (version 3) UUID of the parts, each ended by a NUL byte. */
    static String derivedUuid(String... parts) {
        StringBuilder s = new StringBuilder();
        for (String part : parts) {
            s.append(part).append('\0');
        }
        return UUID.nameUUIDFromBytes(s.toString().getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /**
     * Falco's eight priorities on Jibril's four importances: Emergency, Alert and Critical are critical;
     * Error is high; Warning is medium; Notice, Informational and Debug are low.
     */
    static Optional<Importance> falcoImportance(@Nullable String priority) {
        if (priority == null) {
            return Optional.empty();
        }
        return switch (priority.toLowerCase(Locale.ROOT)) {
            case "emergency", "alert", "critical" -> Optional.of(Importance.CRITICAL);
            case "error" -> Optional.of(Importance.HIGH);
            case "warning" -> Optional.of(Importance.MEDIUM);
            case "notice", "informational", "info", "debug" -> Optional.of(Importance.LOW);
            default -> Optional.empty();
        };
    }

    /** MITRE ATT&CK tags: {@code mitre_<tactic>} or {@code TA####} give the tactic, {@code T####[.###]} the technique. */
    private record Mitre(String tactic, String technique) {
        static Mitre of(List<String> tags) {
            String tactic = "";
            String tacticId = "";
            String technique = "";
            for (String tag : tags) {
                if (tactic.isEmpty() && tag.startsWith("mitre_") && tag.length() > "mitre_".length()) {
                    tactic = tag.substring("mitre_".length());
                } else if (tacticId.isEmpty() && tag.matches("TA[0-9]{4}")) {
                    tacticId = tag;
                } else if (technique.isEmpty() && tag.matches("T[0-9]{4}(\\.[0-9]{3})?")) {
                    technique = tag;
                }
            }
            return new Mitre(tactic.isEmpty() ? tacticId : tactic, technique);
        }
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }
}
