package dev.riposte.effect.netpolicy;

import dev.riposte.base.IpLiteral;
import dev.riposte.base.Text;
import dev.riposte.effect.state.StateStore;
import dev.riposte.effect.state.StoreException;
import java.net.InetAddress;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Blocks and followed domains in the state store's {@code blocks} and {@code domains} tables. Thread-safe. */
public final class SqliteBlockStore implements BlockStore {
    /**
     * The blocks and the followed domains, one row each; then (version 4) each block's domain as a column
     * of its own, filled in for the blocks a followed domain made, whose reason said it.
     */
    public static final List<StateStore.Migration> SCHEMA = List.of(
            new StateStore.Migration(2, "blocks", List.of("""
            CREATE TABLE blocks (address TEXT PRIMARY KEY, reaction TEXT NOT NULL, event_uuid TEXT NOT NULL,
                                 reason TEXT NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER)""", """
            CREATE TABLE domains (domain TEXT PRIMARY KEY, reaction TEXT NOT NULL, event_uuid TEXT NOT NULL,
                                  reason TEXT NOT NULL, created_ms INTEGER NOT NULL)""")),
            new StateStore.Migration(
                    4,
                    "blocks",
                    List.of(
                            "ALTER TABLE blocks ADD COLUMN domain TEXT NOT NULL DEFAULT ''",
                            "UPDATE blocks SET domain = substr(reason, 8) WHERE substr(reason, 1, 7) = 'domain '")));

    private final StateStore store;

    public SqliteBlockStore(StateStore store) {
        this.store = store;
    }

    @Override
    public List<Block> blocks() throws BlockStoreException {
        return run(c -> {
            List<Block> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                            "SELECT address, reaction, event_uuid, reason, created_ms, expires_ms, domain FROM blocks"
                                    + " ORDER BY created_ms");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long expires = r.getLong(6);
                    boolean permanent = r.wasNull();
                    out.add(new Block(
                            IpLiteral.parse(r.getString(1)),
                            r.getString(7),
                            new Origin(r.getString(2), r.getString(3), r.getString(4)),
                            Instant.ofEpochMilli(r.getLong(5)),
                            permanent ? null : Instant.ofEpochMilli(expires)));
                }
            }
            return out;
        });
    }

    @Override
    public void save(Block block) throws BlockStoreException {
        saveAll(List.of(block));
    }

    @Override
    public void saveAll(List<Block> blocks) throws BlockStoreException {
        update(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("INSERT OR REPLACE INTO blocks (address, reaction, event_uuid,"
                            + " reason, created_ms, expires_ms, domain) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (Block b : blocks) {
                    s.setString(1, IpLiteral.format(b.address()));
                    s.setString(2, b.origin().reaction());
                    s.setString(3, b.origin().eventUuid());
                    s.setString(4, b.origin().reason());
                    s.setLong(5, b.created().toEpochMilli());
                    if (b.expires() == null) {
                        s.setNull(6, java.sql.Types.INTEGER);
                    } else {
                        s.setLong(6, b.expires().toEpochMilli());
                    }
                    s.setString(7, b.domain());
                    s.addBatch();
                }
                s.executeBatch();
            }
        });
    }

    @Override
    public void delete(InetAddress address) throws BlockStoreException {
        deleteAll(List.of(address));
    }

    @Override
    public void deleteAll(List<InetAddress> addresses) throws BlockStoreException {
        update(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM blocks WHERE address = ?")) {
                for (InetAddress a : addresses) {
                    s.setString(1, IpLiteral.format(a));
                    s.addBatch();
                }
                s.executeBatch();
            }
        });
    }

    @Override
    public List<FollowedDomain> domains() throws BlockStoreException {
        return run(c -> {
            List<FollowedDomain> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                            "SELECT domain, reaction, event_uuid, reason, created_ms FROM domains ORDER BY created_ms");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new FollowedDomain(
                            r.getString(1),
                            new Origin(r.getString(2), r.getString(3), r.getString(4)),
                            Instant.ofEpochMilli(r.getLong(5))));
                }
            }
            return out;
        });
    }

    @Override
    public void save(FollowedDomain d) throws BlockStoreException {
        update(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("INSERT OR REPLACE INTO domains (domain, reaction, event_uuid,"
                            + " reason, created_ms) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, d.domain());
                s.setString(2, d.origin().reaction());
                s.setString(3, d.origin().eventUuid());
                s.setString(4, d.origin().reason());
                s.setLong(5, d.created().toEpochMilli());
                s.executeUpdate();
            }
        });
    }

    @Override
    public void deleteDomain(String domain) throws BlockStoreException {
        update(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM domains WHERE domain = ?")) {
                s.setString(1, domain);
                s.executeUpdate();
            }
        });
    }

    @Override
    public void clear() throws BlockStoreException {
        update(c -> {
            try (var s = c.createStatement()) {
                s.execute("DELETE FROM blocks");
                s.execute("DELETE FROM domains");
            }
        });
    }

    private void update(StateStore.Update work) throws BlockStoreException {
        try {
            store.update(work);
        } catch (StoreException e) {
            throw new BlockStoreException(Text.message(e), e);
        }
    }

    private <T> T run(StateStore.Work<T> work) throws BlockStoreException {
        try {
            return store.transaction(work);
        } catch (StoreException e) {
            throw new BlockStoreException(Text.message(e), e);
        }
    }
}
