package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Blocks kept in memory only: what the daemon uses when the state store cannot be opened (blocks then
 * do not survive a restart, which is logged at start), and what dry-run tests use. Thread-safe.
 */
public final class MemoryBlockStore implements BlockStore {
    private final Map<InetAddress, Block> blocks = new LinkedHashMap<>();
    private final Map<String, FollowedDomain> domains = new LinkedHashMap<>();

    @Override
    public synchronized List<Block> blocks() {
        return new ArrayList<>(blocks.values());
    }

    @Override
    public synchronized void save(Block block) {
        blocks.put(block.address(), block);
    }

    @Override
    public synchronized void saveAll(List<Block> all) {
        all.forEach(this::save);
    }

    @Override
    public synchronized void delete(InetAddress address) {
        blocks.remove(address);
    }

    @Override
    public synchronized void deleteAll(List<InetAddress> addresses) {
        addresses.forEach(blocks::remove);
    }

    @Override
    public synchronized List<FollowedDomain> domains() {
        return new ArrayList<>(domains.values());
    }

    @Override
    public synchronized void save(FollowedDomain domain) {
        domains.put(domain.domain(), domain);
    }

    @Override
    public synchronized void deleteDomain(String domain) {
        domains.remove(domain);
    }

    @Override
    public synchronized void clear() {
        blocks.clear();
        domains.clear();
    }
}
