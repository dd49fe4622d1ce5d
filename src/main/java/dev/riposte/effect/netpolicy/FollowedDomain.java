package dev.riposte.effect.netpolicy;

import java.time.Instant;
import java.util.Objects;

/** A domain whose addresses are blocked and which is resolved again every {@code netpolicy.domain_refresh}. */
public record FollowedDomain(String domain, Origin origin, Instant created) {
    public FollowedDomain {
        Objects.requireNonNull(domain);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(created);
    }
}
