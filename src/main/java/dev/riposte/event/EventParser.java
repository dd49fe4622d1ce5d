package dev.riposte.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns one line of text into an {@link Event}. Strict: exactly one JSON object, no duplicate keys
 * (so that Java and the guest's {@code JSON.parse} can never read different values for one key).
 * Thread-safe.
 */
public final class EventParser {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    /** Parses one line; {@code receivedNanos} is stamped on the event. */
    public Event parse(String line, long receivedNanos) throws BadEventException {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadEventException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadEventException("not a JSON object (found " + (root == null ? "nothing" : root.getNodeType().name().toLowerCase()) + ")");
        }
        ObjectNode event = (ObjectNode) root;
        String json = line;
        if (isEnvelope(event)) {
            event = (ObjectNode) event.get("data");
            try {
                json = MAPPER.writeValueAsString(event);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("re-serializing a parsed tree cannot fail", e);
            }
        }
        JsonNode metadata = event.path("metadata");
        return new Event(
                string(event.get("uuid")),
                string(metadata.get("name")),
                string(metadata.get("kind")),
                Importance.parse(string(metadata.get("importance"))),
                string(metadata.get("tactic")),
                string(metadata.get("technique")),
                json, event, receivedNanos);
    }

    /** The Garnet API envelope: {@code {"id", "kind", "data": {event}}} with no event keys of its own. */
    private static boolean isEnvelope(ObjectNode node) {
        return node.path("data").isObject() && node.has("kind") && !node.has("uuid") && !node.has("metadata");
    }

    private static String string(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : "";
    }

    /** The shared strict mapper, for code that must read JSON the same way intake does. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

}
