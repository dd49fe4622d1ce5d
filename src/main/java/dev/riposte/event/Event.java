package dev.riposte.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One detection event. {@code json} is the bare event (envelope removed) exactly as the guest's
 * {@code JSON.parse} will read it; {@code tree} is the same document for Java-side lookups and must
 * not be modified. {@code receivedNanos} is the {@link System#nanoTime()} at which intake decoded it.
 *
 * @param uuid {@code uuid}, or "" when the event has none (such events are never deduplicated)
 * @param name {@code metadata.name}, or ""
 * @param kind {@code metadata.kind}, or ""
 */
public record Event(String uuid, String name, String kind, Optional<Importance> importance, String tactic,
                    String technique, String json, ObjectNode tree, long receivedNanos) {

    public Event {
        Objects.requireNonNull(uuid);
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(importance);
        Objects.requireNonNull(tactic);
        Objects.requireNonNull(technique);
        Objects.requireNonNull(json);
        Objects.requireNonNull(tree);
    }

    /** The text at a dotted path such as {@code process.pid}, or empty when absent or not a scalar. */
    public Optional<String> text(String dottedPath) {
        JsonNode node = tree;
        for (String part : dottedPath.split("\\.")) {
            node = node.get(part);
            if (node == null) {
                return Optional.empty();
            }
        }
        return node.isValueNode() && !node.isNull() ? Optional.of(node.asText()) : Optional.empty();
    }
}
