package dev.riposte.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The single streaming pass over one JSON value that {@link EventParser} maps: the whole value is checked
 * (exactly one JSON object, no duplicate keys, so that Java and the guest's {@code JSON.parse} can never
 * read different values for one key) and only the members that recognising the format and mapping it need
 * are kept, in a {@link Scanned.Top}. No tree is built. Thread-safe.
 */
final class TopLevel {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** Tetragon's top-level keys besides the event type. */
    private static final Set<String> TETRAGON_TOP =
            Set.of("node_name", "time", "cluster_name", "node_labels", "aggregation_info");

    private TopLevel() {}

    /** Reads {@code text}, which must be exactly one JSON object. */
    static Scanned.Top read(String text) throws BadEventException {
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new BadEventException("not a JSON object (found " + describe(first) + ")");
            }
            Scanned.Top top = readTop(p);
            if (p.nextToken() != null) {
                throw new BadEventException("not JSON: more data after the object");
            }
            return top;
        } catch (JsonProcessingException e) {
            throw new BadEventException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading a String cannot fail", e);
        }
    }

    /** Reads the top-level object whose START_OBJECT was just read, up to and including its END_OBJECT. */
    private static Scanned.Top readTop(JsonParser p) throws IOException {
        Scanned.Top t = new Scanned.Top();
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
    private static Scanned.Fields readData(JsonParser p) throws IOException {
        Scanned.Fields f = new Scanned.Fields();
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

    private static void readMetadata(JsonParser p, JsonToken value, Scanned.Fields f) throws IOException {
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

    private static void readHead(JsonParser p, Scanned.Fields f) throws IOException {
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

    private static Scanned.Body readBody(JsonParser p) throws IOException {
        Scanned.Body b = new Scanned.Body();
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

    private static @Nullable String text(JsonParser p, JsonToken value) throws IOException {
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
