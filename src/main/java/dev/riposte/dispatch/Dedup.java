package dev.riposte.dispatch;

import java.time.Duration;
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
    private final ConcurrentHashMap<Key, Long> seen = new ConcurrentHashMap<>();
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
        Key key = new Key(reaction, uuid);
        Long expires = seen.putIfAbsent(key, now + windowNanos);
        if (expires == null) {
            return true;
        }
        return expires - now <= 0 && seen.replace(key, expires, now + windowNanos);
    }

    int size() {
        return seen.size();
    }

    private record Key(String reaction, String uuid) {}
}
