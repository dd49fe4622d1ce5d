package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.util.List;

/** Where blocks and followed domains are kept across restarts. Implementations are thread-safe. */
public interface BlockStore {
    List<Block> blocks() throws BlockStoreException;

    /** Inserts or replaces the block of its address. */
    void save(Block block) throws BlockStoreException;

    /** Saves many blocks in one transaction. */
    void saveAll(List<Block> blocks) throws BlockStoreException;

    void delete(InetAddress address) throws BlockStoreException;

    /** Deletes many blocks in one transaction. */
    void deleteAll(List<InetAddress> addresses) throws BlockStoreException;

    List<FollowedDomain> domains() throws BlockStoreException;

    void save(FollowedDomain domain) throws BlockStoreException;

    void deleteDomain(String domain) throws BlockStoreException;

    /** Forgets every block and domain (riposte netpolicy flush). */
    void clear() throws BlockStoreException;

    /** A store operation that failed, with the reason. */
    final class BlockStoreException extends Exception {
        public BlockStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
