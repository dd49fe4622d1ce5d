package dev.riposte.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One detection event. {@code json} is the event as the detector wrote it (the Garnet API's envelope
 * removed), exactly as the guest's {@code JSON.parse} will read it; only the fields matching needs are
 * kept besides it, mapped from the event's {@link Format} (docs/events.md has the table).
 * {@code receivedNanos} is the {@link System#nanoTime()} at which intake decoded it.
 *
 * @param uuid the event's unique id (given or derived), or "" when it has none (never deduplicated)
 * @param name what {@code @on name=} matches, or ""
 * @param kind what {@code @on kind=} matches, or ""
 * @param detected when the detector raised it, by the event's own time (Jibril's {@code timestamp},
 *                 Falco's and Tetragon's {@code time}); empty when it has none, a zero or an unreadable one
 */
public record Event(
        Format format,
        String uuid,
        String name,
        String kind,
        Optional<Importance> importance,
        String tactic,
        String technique,
        Optional<Instant> detected,
        String json,
        long receivedNanos) {

    public Event {
        Objects.requireNonNull(format);
        Objects.requireNonNull(uuid);
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(importance);
        Objects.requireNonNull(tactic);
        Objects.requireNonNull(technique);
        Objects.requireNonNull(detected);
        Objects.requireNonNull(json);
    }
}
