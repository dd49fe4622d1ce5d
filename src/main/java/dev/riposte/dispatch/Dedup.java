package dev.riposte.dispatch;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Remembers which (reaction, uuid) pairs ran within the window, so that Jibril's re-sends of one
 * detection run each reaction once. Expired entries are swept every {@link #SWEEP_EVERY} claims.
 * Thread-safe.
 */
final class Dedup {
    static final int SWEEP_EVERY = 8192;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Object, Long> seen = new ConcurrentHashMap<>();
    private final AtomicLong claims = new AtomicLong();

    Dedup(Duration window, LongSupplier nanoClock) {
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** True for the first claim of the pair within the window (and always for events without a uuid). */
    boolean claim(String reaction, String uuid) {
        if (windowNanos == 0 || uuid.isEmpty()) {
            return true;
        }
        long now = nanoClock.getAsLong();
        if (claims.incrementAndGet() % SWEEP_EVERY == 0) {
            seen.values().removeIf(expires -> expires - now <= 0);
        }
        Object key = key(reaction, uuid);
        Long expires = seen.putIfAbsent(key, now + windowNanos);
        if (expires == null) {
            return true;
        }
        return expires - now <= 0 && seen.replace(key, expires, now + windowNanos);
    }

    int size() {
        return seen.size();
    }

    /**
     * The map holds up to a window's worth of pairs (480,000 at 8,000 runs/s), so a key is kept small:
     * a canonical UUID becomes two longs instead of a retained string. Other uuids are kept as text.
     */
    private static Object key(String reaction, String uuid) {
        if (uuid.length() == 36
                && uuid.charAt(8) == '-'
                && uuid.charAt(13) == '-'
                && uuid.charAt(18) == '-'
                && uuid.charAt(23) == '-') {
            try {
                UUID parsed = UUID.fromString(uuid);
                if (parsed.toString().equals(uuid)) {
                    return new UuidKey(reaction, parsed.getMostSignificantBits(), parsed.getLeastSignificantBits());
                }
            } catch (IllegalArgumentException notAUuid) {
                // fall through: kept as text
            }
        }
        return new TextKey(reaction, uuid);
    }

    /** {@code reaction} is the loaded reaction's name, shared by every key of that reaction. */
    private record UuidKey(String reaction, long high, long low) {}

    private record TextKey(String reaction, String uuid) {}
}
