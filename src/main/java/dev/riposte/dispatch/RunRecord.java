package dev.riposte.dispatch;

import dev.riposte.event.Event;
import dev.riposte.match.Reaction;
import java.time.Instant;
import java.util.Objects;

/** One audited run (or skip): which reaction version handled which event, and what happened. */
public record RunRecord(Instant time, Reaction reaction, Event event, RunResult result) {
    public RunRecord {
        Objects.requireNonNull(time);
        Objects.requireNonNull(reaction);
        Objects.requireNonNull(event);
        Objects.requireNonNull(result);
    }
}
