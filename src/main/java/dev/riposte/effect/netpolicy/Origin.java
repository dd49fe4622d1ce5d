package dev.riposte.effect.netpolicy;

import java.util.Objects;

/**
 * Who asked for a block, for {@code riposte blocks} and the audit trail.
 *
 * @param reaction the reaction's name ("" for the operator)
 * @param eventUuid the event that led to it ("" when none)
 * @param reason what asked: the helper, or {@code domain NAME} for an address a followed domain resolved to
 */
public record Origin(String reaction, String eventUuid, String reason) {
    public Origin {
        Objects.requireNonNull(reaction);
        Objects.requireNonNull(eventUuid);
        Objects.requireNonNull(reason);
    }

    public Origin withReason(String newReason) {
        return new Origin(reaction, eventUuid, newReason);
    }
}
