package dev.riposte.intake.file;

import dev.riposte.effect.state.StateStore;
import dev.riposte.effect.state.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Positions} in the state store's {@code intake_positions} table, one row per file of a source
 * ({@code handled_past} holds the offsets as decimal numbers separated by commas). Thread-safe.
 */
final class SqlitePositions implements Positions {
    /** Each followed file's handled position, one row per file of a source. */
    static final List<StateStore.Migration> SCHEMA =
            List.of(new StateStore.Migration(3, "intake_positions", List.of("""
            CREATE TABLE intake_positions (source TEXT NOT NULL, seq INTEGER NOT NULL, device INTEGER NOT NULL,
                                           inode INTEGER NOT NULL, offset INTEGER NOT NULL,
                                           head_length INTEGER NOT NULL, head_crc INTEGER NOT NULL,
                                           handled_past TEXT NOT NULL,
                                           PRIMARY KEY (source, seq)) WITHOUT ROWID""")));

    private final StateStore store;

    SqlitePositions(StateStore store) {
        this.store = store;
    }

    @Override
    public List<Mark> load(String source) {
        try {
            return store.transaction(c -> {
                List<Mark> out = new ArrayList<>();
                try (PreparedStatement s =
                        c.prepareStatement("SELECT device, inode, offset, head_length, head_crc, handled_past "
                                + "FROM intake_positions WHERE source = ? ORDER BY seq")) {
                    s.setString(1, source);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            out.add(new Mark(
                                    r.getLong(1),
                                    r.getLong(2),
                                    r.getLong(3),
                                    r.getInt(4),
                                    r.getLong(5),
                                    offsets(r.getString(6))));
                        }
                    }
                }
                return out;
            });
        } catch (StoreException e) {
            return List.of();
        }
    }

    /** The comma-separated offsets of the handled_past column. */
    private static List<Long> offsets(String text) {
        List<Long> out = new ArrayList<>();
        for (String s : text.split(",")) {
            if (!s.isEmpty()) {
                out.add(Long.parseLong(s));
            }
        }
        return out;
    }

    @Override
    public boolean save(String source, List<Mark> marks) {
        try {
            store.update(c -> {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM intake_positions WHERE source = ?");
                        PreparedStatement insert = c.prepareStatement(
                                "INSERT INTO intake_positions "
                                        + "(source, seq, device, inode, offset, head_length, head_crc, handled_past) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    delete.setString(1, source);
                    delete.executeUpdate();
                    for (int i = 0; i < marks.size(); i++) {
                        Mark m = marks.get(i);
                        insert.setString(1, source);
                        insert.setInt(2, i);
                        insert.setLong(3, m.device());
                        insert.setLong(4, m.inode());
                        insert.setLong(5, m.offset());
                        insert.setInt(6, m.headLength());
                        insert.setLong(7, m.headCrc());
                        insert.setString(
                                8,
                                String.join(
                                        ",",
                                        m.handledPast().stream()
                                                .map(String::valueOf)
                                                .toList()));
                        insert.executeUpdate();
                    }
                }
            });
            return true;
        } catch (StoreException e) {
            return false;
        }
    }
}
