package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One blocked address as riposte keeps it.
 *
 * @param domain the followed domain that resolved to the address, or "" for an address blocked as such
 * @param expires when the block ends, or null for a block without a time limit
 */
public record Block(
        InetAddress address,
        String domain,
        Origin origin,
        Instant created,
        @Nullable Instant expires) {
    public Block {
        Objects.requireNonNull(address);
        Objects.requireNonNull(domain);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(created);
    }

    /** A block of an address asked for as such (no followed domain). */
    public Block(InetAddress address, Origin origin, Instant created, @Nullable Instant expires) {
        this(address, "", origin, created, expires);
    }

    public boolean permanent() {
        return expires == null;
    }

    /** Whether the block is still in force at {@code now}. */
    public boolean activeAt(Instant now) {
        return expires == null || expires.isAfter(now);
    }

    /** Time left at {@code now} (zero once expired); null for a permanent block. */
    public @Nullable Duration remaining(Instant now) {
        if (expires == null) {
            return null;
        }
        Duration d = Duration.between(now, expires);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
