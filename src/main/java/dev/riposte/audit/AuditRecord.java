package dev.riposte.audit;

import dev.riposte.base.HelperCall;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One run as the audit trail keeps it. */
public record AuditRecord(
        Instant time,
        String eventUuid,
        String eventName,
        String eventKind,
        String reaction,
        String reactionHash,
        String outcome,
        String detail,
        long durationMicros,
        List<HelperCall> calls) {
    public AuditRecord {
        Objects.requireNonNull(time);
        Objects.requireNonNull(eventUuid);
        Objects.requireNonNull(eventName);
        Objects.requireNonNull(eventKind);
        Objects.requireNonNull(reaction);
        Objects.requireNonNull(reactionHash);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(detail);
        calls = List.copyOf(calls);
    }
}
