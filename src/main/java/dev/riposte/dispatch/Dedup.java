package dev.riposte.dispatch;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Remembers which (reaction, uuid) pairs ran within the window, so that Jibril's re-sends of one
 * detection run each reaction once. A Caffeine cache whose entries expire a window after they were
 * written; expired ones are dropped as the cache is used (its upkeep runs on the claiming thread, no
 * thread of its own). Thread-safe.
 */
final class Dedup {
    private final boolean off;
    private final Cache<Object, Boolean> seen;

    /** @param nanoClock nanoseconds from an arbitrary origin, as {@link System#nanoTime()} */
    Dedup(Duration window, LongSupplier nanoClock) {
        this.off = window.isZero();
        this.seen = Caffeine.newBuilder()
                .expireAfterWrite(off ? Duration.ofNanos(1) : window)
                .ticker(nanoClock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** True for the first claim of the pair within the window (and always for events without a uuid). */
    boolean claim(String reaction, String uuid) {
        if (off || uuid.isEmpty()) {
            return true;
        }
        return seen.asMap().putIfAbsent(key(reaction, uuid), Boolean.TRUE) == null;
    }

    /** Pairs remembered now. */
    long size() {
        seen.cleanUp();
        return seen.estimatedSize();
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
