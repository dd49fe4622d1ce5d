package dev.riposte.event;

import java.util.Objects;
import java.util.Optional;

/**
 * One detection event. {@code json} is the bare event (envelope removed) exactly as the guest's
 * {@code JSON.parse} will read it; only the fields matching needs are kept besides it.
 * {@code receivedNanos} is the {@link System#nanoTime()} at which intake decoded it.
 *
 * @param uuid {@code uuid}, or "" when the event has none (such events are never deduplicated)
 * @param name {@code metadata.name}, or ""
 * @param kind {@code metadata.kind}, or ""
 */
public record Event(String uuid, String name, String kind, Optional<Importance> importance, String tactic,
                    String technique, String json, long receivedNanos) {

    public Event {
        Objects.requireNonNull(uuid);
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(importance);
        Objects.requireNonNull(tactic);
        Objects.requireNonNull(technique);
        Objects.requireNonNull(json);
    }
}
