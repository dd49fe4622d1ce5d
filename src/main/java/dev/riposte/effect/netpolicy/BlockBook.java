package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The blocks riposte keeps, in memory, in the order they were first made: what the bridge decides
 * against and what the kernel's set is repaired to. Expired blocks stay until {@link #dropExpired}, and
 * count as absent before that. Thread-safe; no method does more than read or change the map, so no
 * caller ever waits here for the disk or the kernel.
 */
final class BlockBook {
    private final Map<InetAddress, Block> blocks = new LinkedHashMap<>();

    /** The block of {@code address} in force at {@code now}, or null. */
    synchronized @Nullable Block active(InetAddress address, Instant now) {
        Block b = blocks.get(address);
        return b != null && b.activeAt(now) ? b : null;
    }

    /** The blocks in force at {@code now}, oldest first. */
    synchronized List<Block> active(Instant now) {
        return blocks.values().stream()
                .filter(b -> b.activeAt(now))
                .sorted(Comparator.comparing(Block::created))
                .toList();
    }

    /** The blocks in force at {@code now} that {@code domain} resolved to, in the order they were first made. */
    synchronized List<Block> activeFor(String domain, Instant now) {
        return blocks.values().stream()
                .filter(b -> b.activeAt(now) && b.domain().equals(domain))
                .toList();
    }

    synchronized int activeCount(Instant now) {
        int n = 0;
        for (Block b : blocks.values()) {
            if (b.activeAt(now)) {
                n++;
            }
        }
        return n;
    }

    /** Every block, expired ones included (a repair drops those first). */
    synchronized List<Block> all() {
        return List.copyOf(blocks.values());
    }

    /** Enters {@code block}, replacing the one of its address (which keeps its place in the order). */
    synchronized void put(Block block) {
        blocks.put(block.address(), block);
    }

    /** Enters every block of {@code stored} in force at {@code now}; returns the addresses of the others. */
    synchronized List<InetAddress> restore(Collection<Block> stored, Instant now) {
        List<InetAddress> expired = new ArrayList<>();
        for (Block b : stored) {
            if (b.activeAt(now)) {
                blocks.put(b.address(), b);
            } else {
                expired.add(b.address());
            }
        }
        return expired;
    }

    synchronized void remove(InetAddress address) {
        blocks.remove(address);
    }

    synchronized void clear() {
        blocks.clear();
    }

    /** Removes the blocks no longer in force at {@code now}; returns their addresses. */
    synchronized List<InetAddress> dropExpired(Instant now) {
        List<InetAddress> expired = new ArrayList<>();
        blocks.values().removeIf(b -> {
            if (!b.activeAt(now)) {
                expired.add(b.address());
                return true;
            }
            return false;
        });
        return expired;
    }
}
