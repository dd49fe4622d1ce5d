package dev.riposte.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.Locale;

/**
 * Turns one line of text into an {@link Event} with a single streaming pass: the whole line is
 * checked (exactly one JSON object, no duplicate keys, so that Java and the guest's {@code JSON.parse}
 * can never read different values for one key), and only the fields matching needs are kept; no tree
 * is built, so a queued event costs little more than its text. Thread-safe.
 */
public final class EventParser {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Parses one line; {@code receivedNanos} is stamped on the event. */
    public Event parse(String line, long receivedNanos) throws BadEventException {
        try (JsonParser p = JSON.createParser(line)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new BadEventException("not a JSON object (found " + describe(first) + ")");
            }
            Fields top = readObject(p, true);
            if (p.nextToken() != null) {
                throw new BadEventException("not JSON: more data after the object");
            }
            boolean envelope = top.data != null && top.hasKind && top.uuid == null && !top.hasMetadata;
            Fields event = envelope ? top.data : top;
            String json = envelope ? line.substring(top.dataStart, top.dataEnd) : line;
            return new Event(orEmpty(event.uuid), orEmpty(event.name), orEmpty(event.kind),
                    Importance.parse(event.importance), orEmpty(event.tactic), orEmpty(event.technique), json, receivedNanos);
        } catch (JsonProcessingException e) {
            throw new BadEventException("not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading a String cannot fail", e);
        }
    }

    /** The fields of one object level (the event, or the envelope with its {@code data}). */
    private static final class Fields {
        String uuid;
        String name;
        String kind;
        String importance;
        String tactic;
        String technique;
        boolean hasKind;
        boolean hasMetadata;
        Fields data;
        int dataStart;
        int dataEnd;
    }

    /** Reads the object whose START_OBJECT was just read, up to and including its END_OBJECT. */
    private static Fields readObject(JsonParser p, boolean topLevel) throws IOException {
        Fields f = new Fields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "uuid" -> f.uuid = text(p, value);
                case "kind" -> f.hasKind = true;
                case "metadata" -> {
                    f.hasMetadata = true;
                    if (value == JsonToken.START_OBJECT) {
                        readMetadata(p, f);
                    } else {
                        p.skipChildren();
                    }
                }
                case "data" -> {
                    if (topLevel && value == JsonToken.START_OBJECT) {
                        f.dataStart = (int) p.currentTokenLocation().getCharOffset();
                        f.data = readObject(p, false);
                        f.dataEnd = (int) p.currentTokenLocation().getCharOffset() + 1;
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return f;
    }

    private static void readMetadata(JsonParser p, Fields f) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "name" -> f.name = text(p, value);
                case "kind" -> f.kind = text(p, value);
                case "importance" -> f.importance = text(p, value);
                case "tactic" -> f.tactic = text(p, value);
                case "technique" -> f.technique = text(p, value);
                default -> p.skipChildren();
            }
        }
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
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
