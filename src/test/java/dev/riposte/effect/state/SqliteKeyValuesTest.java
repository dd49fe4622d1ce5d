package dev.riposte.effect.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.daemon.Components;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key/value operations and their limits on a real SQLite file. */
class SqliteKeyValuesTest {
    @TempDir
    Path dir;

    StateStore store;
    SqliteKeyValues kv;

    @BeforeEach
    void open() throws Exception {
        store = StateStore.open(dir.resolve("state.db"), Components.SCHEMA);
        kv = new SqliteKeyValues(store, 3);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void namespaces_areSeparate() throws Exception {
        kv.set("a", "k", "1");
        kv.set("b", "k", "2");
        assertEquals(Optional.of("1"), kv.get("a", "k"));
        assertEquals(Optional.of("2"), kv.get("b", "k"));
        assertEquals(1, kv.clear("a"));
        assertEquals(Optional.empty(), kv.get("a", "k"));
        assertEquals(Optional.of("2"), kv.get("b", "k"));
    }

    @Test
    void keysAndValues_comeInKeyOrder() throws Exception {
        kv.set("r", "b", "2");
        kv.set("r", "a", "1");
        kv.set("r", "c", "3");
        assertEquals(List.of("a", "b", "c"), kv.keys("r"));
        assertEquals(List.of("1", "2", "3"), kv.values("r"));
        assertTrue(kv.hasValue("r", "3"));
        assertFalse(kv.hasValue("r", "4"));
    }

    @Test
    void theKeyLimit_refusesNewKeys_butNotOverwrites() throws Exception {
        kv.set("r", "a", "1");
        kv.set("r", "b", "1");
        kv.set("r", "c", "1");
        assertEquals(
                "the reaction's store already holds 3 keys (state.max_keys_per_reaction); delete some first",
                assertThrows(StoreException.class, () -> kv.set("r", "d", "1")).getMessage());
        kv.set("r", "c", "2");
        assertEquals(Optional.of("2"), kv.get("r", "c"));
        kv.set("other", "d", "1");
    }

    @Test
    void sizeLimits_areExactAndInUtf8Bytes() throws Exception {
        kv.set("r", "é".repeat(128), "x");
        assertEquals(
                "a key must have 1 to 256 bytes; this one has 258",
                assertThrows(StoreException.class, () -> kv.set("r", "é".repeat(129), "x"))
                        .getMessage());
        assertEquals(
                "a key must have 1 to 256 bytes; this one has 0",
                assertThrows(StoreException.class, () -> kv.get("r", "")).getMessage());
        kv.set("r", "big", "v".repeat(65536));
        assertEquals(
                "a value may have at most 65536 bytes; this one has 65537",
                assertThrows(StoreException.class, () -> kv.set("r", "big", "v".repeat(65537)))
                        .getMessage());
    }

    @Test
    void lists_pushAndPopLastInFirstOut_andTheKeyGoesWhenEmpty() throws Exception {
        kv.push("r", "l", "one");
        kv.push("r", "l", "two \"quoted\"");
        assertEquals(Optional.of("[\"one\",\"two \\\"quoted\\\"\"]"), kv.get("r", "l"));
        assertEquals(Optional.of("two \"quoted\""), kv.pop("r", "l"));
        assertEquals(Optional.of("one"), kv.pop("r", "l"));
        assertEquals(Optional.empty(), kv.pop("r", "l"));
        assertFalse(kv.hasKey("r", "l"));
    }

    @Test
    void pushingOntoAPlainValue_isRefused() throws Exception {
        kv.set("r", "p", "plain");
        assertEquals(
                "key \"p\" holds a plain value, not a list",
                assertThrows(StoreException.class, () -> kv.push("r", "p", "x")).getMessage());
        assertEquals(Optional.of("plain"), kv.get("r", "p"));
    }

    @Test
    void increment_startsAtZero_addsDeltas_andRefusesNonIntegers() throws Exception {
        assertEquals(1, kv.increment("r", "n", 1));
        assertEquals(-4, kv.increment("r", "n", -5));
        kv.set("r", "s", "abc");
        assertEquals(
                "key \"s\" holds \"abc\", not an integer",
                assertThrows(StoreException.class, () -> kv.increment("r", "s", 1))
                        .getMessage());
        kv.set("r", "m", Long.toString(Long.MAX_VALUE));
        assertEquals(
                "key \"m\" would overflow a 64-bit integer",
                assertThrows(StoreException.class, () -> kv.increment("r", "m", 1))
                        .getMessage());
    }
}
