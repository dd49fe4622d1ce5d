package dev.riposte.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the text of one JSON value into an {@link Event} with a single streaming pass: the whole value
 * is checked (exactly one JSON object, no duplicate keys, so that Java and the guest's {@code JSON.parse}
 * can never read different values for one key), its format is recognised from its top-level keys, and
 * only the fields matching needs are kept; no tree is built, so a queued event costs little more than
 * its text. Thread-safe.
 *
 * <p>Recognition: a Falco alert has the strings {@code rule} and {@code priority} and an {@code output}
 * or {@code output_fields}; a Tetragon event has the string {@code node_name} and exactly one object
 * member besides Tetragon's own top-level keys (its event type); everything else is a Jibril event.
 */
public final class EventParser {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** Tetragon's top-level keys besides the event type. */
    private static final Set<String> TETRAGON_TOP =
            Set.of("node_name", "time", "cluster_name", "node_labels", "aggregation_info");

    /** Parses one event of any format; {@code receivedNanos} is stamped on it. */
    public Event parse(String text, long receivedNanos) throws BadEventException {
        return parse(text, receivedNanos, FormatChoice.AUTO);
    }

    /** Parses one event; an event of a format {@code accepted} does not include is refused. */
    public Event parse(String text, long receivedNanos, FormatChoice accepted) throws BadEventException {
        Top top;
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new BadEventException("not a JSON object (found " + describe(first) + ")");
            }
            top = readTop(p);
            if (p.nextToken() != null) {
                throw new BadEventException("not JSON: more data after the object");
            }
        } catch (JsonProcessingException e) {
            throw new BadEventException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading a String cannot fail", e);
        }
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

    private static Event jibril(Top top, String text, long receivedNanos) {
        Fields data = top.data;
        boolean garnet = data != null && top.hasKind && top.jibril.uuid == null && !top.jibril.hasMetadata;
        if (garnet) {
            Fields e = data;
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
        boolean printer = data != null && data.hasHead && top.jibril.uuid == null && !top.jibril.hasMetadata;
        if (printer) {
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
        Fields e = top.jibril;
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

    private static Event falco(Top top, String text, long receivedNanos) {
        // Falco's own alerts carry no id; falcosidekick adds one. Otherwise one alert is one rule on one
        // event of one host at one nanosecond, so those name it (docs/events.md).
        String uuid = top.jibril.uuid != null
                ? top.jibril.uuid
                : derivedUuid("falco", orEmpty(top.hostname), orEmpty(top.time), top.rule, orEmpty(top.source));
        Mitre mitre = Mitre.of(top.tags);
        return new Event(
                Format.FALCO,
                uuid,
                top.rule,
                orEmpty(top.source),
                falcoImportance(top.priority),
                mitre.tactic,
                mitre.technique,
                time(top.time),
                text,
                receivedNanos);
    }

    private static Event tetragon(Top top, String text, long receivedNanos) {
        Body b = top.body;
        String name = b.policyName != null && !b.policyName.isEmpty() ? b.policyName : top.bodyKey;
        String uuid = derivedUuid(
                "tetragon",
                top.nodeName,
                orEmpty(top.time),
                top.bodyKey,
                orEmpty(b.execId),
                orEmpty(b.policyName),
                orEmpty(b.functionName));
        Mitre mitre = Mitre.of(b.tags);
        return new Event(
                Format.TETRAGON,
                uuid,
                name,
                top.bodyKey,
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
    static Optional<Instant> time(String text) {
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
    static Optional<Importance> falcoImportance(String priority) {
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

    /** What the top level of one value holds, for every format. */
    private static final class Top {
        final Fields jibril = new Fields();
        Fields data;
        int dataStart;
        int dataEnd;
        boolean hasKind;
        String rule;
        String priority;
        String source;
        String hostname;
        String time;
        boolean hasOutput;
        String nodeName;
        /** Object members that are not Tetragon's own keys: exactly one is a Tetragon event type. */
        int objectMembers;

        String bodyKey;
        Body body;
        List<String> tags = List.of();

        Format format() {
            if (rule != null && priority != null && hasOutput) {
                return Format.FALCO;
            }
            if (nodeName != null
                    && objectMembers == 1
                    && bodyKey != null
                    && jibril.uuid == null
                    && !jibril.hasMetadata) {
                return Format.TETRAGON;
            }
            return Format.JIBRIL;
        }
    }

    /** The Jibril fields of one object level (the event, or an envelope's {@code data}). */
    private static final class Fields {
        String uuid;
        String name;
        String kind;
        String importance;
        String tactic;
        String technique;
        boolean hasMetadata;
        boolean hasHead;
        String headName;
        String headImportance;
        String uniqueId;
        String timestamp;
    }

    /** The few members of a Tetragon event body that riposte maps. */
    private static final class Body {
        String policyName;
        String functionName;
        String execId;
        List<String> tags = List.of();
    }

    /** Reads the top-level object whose START_OBJECT was just read, up to and including its END_OBJECT. */
    private static Top readTop(JsonParser p) throws IOException {
        Top t = new Top();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "uuid" -> t.jibril.uuid = text(p, value);
                case "timestamp" -> t.jibril.timestamp = text(p, value);
                case "kind" -> {
                    t.hasKind = true;
                    p.skipChildren();
                }
                case "metadata" -> readMetadata(p, value, t.jibril);
                case "data" -> {
                    if (value == JsonToken.START_OBJECT) {
                        t.objectMembers++;
                        t.dataStart = (int) p.currentTokenLocation().getCharOffset();
                        t.data = readData(p);
                        t.dataEnd = (int) p.currentTokenLocation().getCharOffset() + 1;
                    } else {
                        p.skipChildren();
                    }
                }
                case "rule" -> t.rule = text(p, value);
                case "priority" -> t.priority = text(p, value);
                case "source" -> t.source = text(p, value);
                case "hostname" -> t.hostname = text(p, value);
                case "time" -> t.time = text(p, value);
                case "output" -> {
                    t.hasOutput = true;
                    p.skipChildren();
                }
                case "output_fields" -> {
                    t.hasOutput = true;
                    p.skipChildren();
                }
                case "tags" -> t.tags = strings(p, value);
                case "node_name" -> t.nodeName = text(p, value);
                default -> {
                    if (value == JsonToken.START_OBJECT && !TETRAGON_TOP.contains(key)) {
                        t.objectMembers++;
                        if (t.bodyKey == null) {
                            t.bodyKey = key;
                            t.body = readBody(p);
                        } else {
                            p.skipChildren();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            }
        }
        return t;
    }

    /** An envelope's {@code data}: a Garnet event, or the older printer's {@code head} and {@code unique_id}. */
    private static Fields readData(JsonParser p) throws IOException {
        Fields f = new Fields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "uuid" -> f.uuid = text(p, value);
                case "metadata" -> readMetadata(p, value, f);
                case "unique_id" -> f.uniqueId = text(p, value);
                case "timestamp" -> f.timestamp = text(p, value);
                case "head" -> {
                    if (value == JsonToken.START_OBJECT) {
                        f.hasHead = true;
                        readHead(p, f);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return f;
    }

    private static void readMetadata(JsonParser p, JsonToken value, Fields f) throws IOException {
        f.hasMetadata = true;
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "name" -> f.name = text(p, v);
                case "kind" -> f.kind = text(p, v);
                case "importance" -> f.importance = text(p, v);
                case "tactic" -> f.tactic = text(p, v);
                case "technique" -> f.technique = text(p, v);
                default -> p.skipChildren();
            }
        }
    }

    private static void readHead(JsonParser p, Fields f) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "name" -> f.headName = text(p, v);
                case "importance" -> f.headImportance = text(p, v);
                default -> p.skipChildren();
            }
        }
    }

    private static Body readBody(JsonParser p) throws IOException {
        Body b = new Body();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "policy_name" -> b.policyName = text(p, v);
                case "function_name" -> b.functionName = text(p, v);
                case "tags" -> b.tags = strings(p, v);
                case "process" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String k = p.currentName();
                            JsonToken pv = p.nextToken();
                            if (k.equals("exec_id")) {
                                b.execId = text(p, pv);
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return b;
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** The string elements of an array (others skipped); anything else gives no strings. */
    private static List<String> strings(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return List.of();
        }
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                out.add(p.getText());
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }
}
