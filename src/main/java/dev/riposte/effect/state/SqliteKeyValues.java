package dev.riposte.effect.state;

import dev.riposte.base.EffectResult;
import dev.riposte.base.Text;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link KeyValues} in the {@code kv} table of the state store, with the size and count limits; the
 * helpers that return every key or value at once are bounded too (refused, never cut). Thread-safe.
 */
public final class SqliteKeyValues implements KeyValues {
    /** The table, one row per key of a reaction's namespace. */
    public static final List<StateStore.Migration> SCHEMA = List.of(new StateStore.Migration(1, "kv", List.of("""
            CREATE TABLE kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                             PRIMARY KEY (namespace, key)) WITHOUT ROWID""")));

    /** The default of {@code state.max_result_bytes}. */
    static final long DEFAULT_MAX_RESULT_BYTES = 1L << 20;

    private final StateStore store;
    private final int maxKeys;
    private final long maxResultBytes;

    /** @param maxResultBytes the largest answer of {@link #keys} and {@link #values}, as JSON text */
    public SqliteKeyValues(StateStore store, int maxKeysPerNamespace, long maxResultBytes) {
        this.store = store;
        this.maxKeys = maxKeysPerNamespace;
        this.maxResultBytes = maxResultBytes;
    }

    public SqliteKeyValues(StateStore store, int maxKeysPerNamespace) {
        this(store, maxKeysPerNamespace, DEFAULT_MAX_RESULT_BYTES);
    }

    /** The work of one call; a refusal or a failure of the store is thrown with its sentence. */
    @FunctionalInterface
    private interface Call {
        EffectResult run() throws StoreException;
    }

    /** {@code call}'s answer, or its failure as an answer. */
    private static EffectResult answer(Call call) {
        try {
            return call.run();
        } catch (StoreException e) {
            return EffectResult.failed(Text.message(e));
        }
    }

    @Override
    public EffectResult set(String namespace, String key, String value) {
        return answer(() -> {
            checkKey(key);
            checkValue(value);
            store.update(c -> write(c, namespace, key, value));
            return EffectResult.done();
        });
    }

    @Override
    public EffectResult get(String namespace, String key) {
        return answer(() -> {
            checkKey(key);
            Optional<String> value = store.transaction(c -> read(c, namespace, key));
            return value.map(EffectResult::done).orElseGet(() -> EffectResult.failed("no key \"" + key + "\""));
        });
    }

    @Override
    public EffectResult delete(String namespace, String key) {
        return answer(() -> {
            checkKey(key);
            int deleted =
                    store.transaction(c -> update(c, "DELETE FROM kv WHERE namespace = ? AND key = ?", namespace, key));
            return deleted > 0 ? EffectResult.done() : EffectResult.unchanged();
        });
    }

    @Override
    public EffectResult push(String namespace, String key, String value) {
        return answer(() -> {
            checkKey(key);
            store.update(c -> {
                List<String> list = StoredList.parse(key, read(c, namespace, key));
                list.add(value);
                String text = StoredList.json(list);
                checkValue(text);
                write(c, namespace, key, text);
            });
            return EffectResult.done();
        });
    }

    @Override
    public EffectResult pop(String namespace, String key) {
        return answer(() -> {
            checkKey(key);
            Optional<String> popped = store.transaction(c -> {
                List<String> list = StoredList.parse(key, read(c, namespace, key));
                if (list.isEmpty()) {
                    return Optional.<String>empty();
                }
                String last = list.removeLast();
                if (list.isEmpty()) {
                    update(c, "DELETE FROM kv WHERE namespace = ? AND key = ?", namespace, key);
                } else {
                    write(c, namespace, key, StoredList.json(list));
                }
                return Optional.of(last);
            });
            return popped.map(EffectResult::done)
                    .orElseGet(() -> EffectResult.failed("the list \"" + key + "\" is empty"));
        });
    }

    @Override
    public EffectResult keys(String namespace) {
        return answer(() -> EffectResult.done(StoredList.json(column(namespace, "key"))));
    }

    @Override
    public EffectResult values(String namespace) {
        return answer(() -> EffectResult.done(StoredList.json(column(namespace, "value"))));
    }

    /**
     * Every key or value of the namespace, refused as soon as their JSON array would pass
     * {@code maxResultBytes}: the lengths are summed by SQLite first, so a refusal reads no value.
     */
    private List<String> column(String namespace, String column) throws StoreException {
        return store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*), coalesce(sum(length(CAST(" + column
                    + " AS BLOB))), 0) FROM kv WHERE namespace = ?")) {
                s.setString(1, namespace);
                try (ResultSet r = s.executeQuery()) {
                    long bytes = r.getLong(2) + 3L * r.getLong(1) + 2; // the quotes and commas of the JSON array
                    if (bytes > maxResultBytes) {
                        throw new StoreException("the " + r.getLong(1) + " " + column + "s hold at least " + bytes
                                + " bytes as JSON; the limit is " + maxResultBytes + " (state.max_result_bytes): read "
                                + "them one by one with DataGet");
                    }
                }
            }
            List<String> out = new ArrayList<>();
            try (PreparedStatement s =
                    c.prepareStatement("SELECT " + column + " FROM kv WHERE namespace = ? ORDER BY key")) {
                s.setString(1, namespace);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(r.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public EffectResult clear(String namespace) {
        return answer(() -> store.transaction(c -> update(c, "DELETE FROM kv WHERE namespace = ?", namespace)) > 0
                ? EffectResult.done()
                : EffectResult.unchanged());
    }

    @Override
    public EffectResult size(String namespace) {
        return answer(() -> EffectResult.done(Integer.toString(store.transaction(c -> count(c, namespace)))));
    }

    @Override
    public EffectResult hasKey(String namespace, String key) {
        return answer(() -> {
            checkKey(key);
            return EffectResult.done(Boolean.toString(
                    store.transaction(c -> read(c, namespace, key)).isPresent()));
        });
    }

    @Override
    public EffectResult hasValue(String namespace, String value) {
        return answer(() -> EffectResult.done(Boolean.toString(store.transaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT 1 FROM kv WHERE namespace = ? AND value = ? LIMIT 1")) {
                s.setString(1, namespace);
                s.setString(2, value);
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        }))));
    }

    @Override
    public EffectResult increment(String namespace, String key, long delta) {
        return answer(() -> {
            checkKey(key);
            long sum = store.transaction(c -> {
                Optional<String> current = read(c, namespace, key);
                long value;
                try {
                    value = current.isEmpty() ? 0 : Long.parseLong(current.get());
                } catch (NumberFormatException e) {
                    throw new StoreException(
                            "key \"" + key + "\" holds \"" + shorten(current.get()) + "\", not an integer");
                }
                long total;
                try {
                    total = Math.addExact(value, delta);
                } catch (ArithmeticException e) {
                    throw new StoreException("key \"" + key + "\" would overflow a 64-bit integer");
                }
                write(c, namespace, key, Long.toString(total));
                return total;
            });
            return EffectResult.done(Long.toString(sum));
        });
    }

    /** Inserts or replaces, refusing a new key beyond the namespace's limit. */
    private void write(Connection c, String namespace, String key, String value) throws SQLException, StoreException {
        if (update(c, "UPDATE kv SET value = ? WHERE namespace = ? AND key = ?", value, namespace, key) > 0) {
            return;
        }
        if (count(c, namespace) >= maxKeys) {
            throw new StoreException("the reaction's store already holds " + maxKeys
                    + " keys (state.max_keys_per_reaction); delete some first");
        }
        update(c, "INSERT INTO kv (namespace, key, value) VALUES (?, ?, ?)", namespace, key, value);
    }

    private static Optional<String> read(Connection c, String namespace, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM kv WHERE namespace = ? AND key = ?")) {
            s.setString(1, namespace);
            s.setString(2, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
            }
        }
    }

    private static int count(Connection c, String namespace) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM kv WHERE namespace = ?")) {
            s.setString(1, namespace);
            try (ResultSet r = s.executeQuery()) {
                return r.getInt(1);
            }
        }
    }

    private static int update(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            return s.executeUpdate();
        }
    }

    private static void checkKey(String key) throws StoreException {
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_KEY_BYTES) {
            throw new StoreException("a key must have 1 to " + MAX_KEY_BYTES + " bytes; this one has " + bytes);
        }
    }

    private static void checkValue(String value) throws StoreException {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_VALUE_BYTES) {
            throw new StoreException("a value may have at most " + MAX_VALUE_BYTES + " bytes; this one has " + bytes);
        }
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
