package dev.riposte.effect.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.base.EffectResult;
import dev.riposte.daemon.Components;
import java.nio.file.Path;
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

    private static EffectResult done(String value) {
        return EffectResult.done(value);
    }

    private static EffectResult failed(String error) {
        return EffectResult.failed(error);
    }

    @Test
    void namespaces_areSeparate() {
        assertEquals(EffectResult.done(), kv.set("a", "k", "1"));
        kv.set("b", "k", "2");
        assertEquals(done("1"), kv.get("a", "k"));
        assertEquals(done("2"), kv.get("b", "k"));
        assertEquals(EffectResult.done(), kv.clear("a"));
        assertEquals(EffectResult.unchanged(), kv.clear("a"));
        assertEquals(failed("no key \"k\""), kv.get("a", "k"));
        assertEquals(done("2"), kv.get("b", "k"));
        assertEquals(EffectResult.done(), kv.delete("b", "k"));
        assertEquals(EffectResult.unchanged(), kv.delete("b", "k"));
    }

    @Test
    void keysAndValues_comeInKeyOrder() {
        kv.set("r", "b", "2");
        kv.set("r", "a", "1");
        kv.set("r", "c", "3");
        assertEquals(done("[\"a\",\"b\",\"c\"]"), kv.keys("r"));
        assertEquals(done("[\"1\",\"2\",\"3\"]"), kv.values("r"));
        assertEquals(done("3"), kv.size("r"));
        assertEquals(done("true"), kv.hasValue("r", "3"));
        assertEquals(done("false"), kv.hasValue("r", "4"));
        assertEquals(done("true"), kv.hasKey("r", "a"));
        assertEquals(done("[]"), kv.keys("empty"));
    }

    @Test
    void theKeyLimit_refusesNewKeys_butNotOverwrites() {
        kv.set("r", "a", "1");
        kv.set("r", "b", "1");
        kv.set("r", "c", "1");
        assertEquals(
                failed("the reaction's store already holds 3 keys (state.max_keys_per_reaction); delete some first"),
                kv.set("r", "d", "1"));
        assertEquals(EffectResult.done(), kv.set("r", "c", "2"));
        assertEquals(done("2"), kv.get("r", "c"));
        assertEquals(EffectResult.done(), kv.set("other", "d", "1"));
    }

    @Test
    void sizeLimits_areExactAndInUtf8Bytes() {
        assertEquals(EffectResult.done(), kv.set("r", "é".repeat(128), "x"));
        assertEquals(failed("a key must have 1 to 256 bytes; this one has 258"), kv.set("r", "é".repeat(129), "x"));
        assertEquals(failed("a key must have 1 to 256 bytes; this one has 0"), kv.get("r", ""));
        assertEquals(EffectResult.done(), kv.set("r", "big", "v".repeat(65536)));
        assertEquals(
                failed("a value may have at most 65536 bytes; this one has 65537"),
                kv.set("r", "big", "v".repeat(65537)));
    }

    @Test
    void lists_pushAndPopLastInFirstOut_andTheKeyGoesWhenEmpty() {
        assertEquals(EffectResult.done(), kv.push("r", "l", "one"));
        kv.push("r", "l", "two \"quoted\"");
        assertEquals(done("[\"one\",\"two \\\"quoted\\\"\"]"), kv.get("r", "l"));
        assertEquals(done("two \"quoted\""), kv.pop("r", "l"));
        assertEquals(done("one"), kv.pop("r", "l"));
        assertEquals(failed("the list \"l\" is empty"), kv.pop("r", "l"));
        assertEquals(done("false"), kv.hasKey("r", "l"));
    }

    @Test
    void pushingOntoAPlainValue_isRefused() {
        kv.set("r", "p", "plain");
        assertEquals(failed("key \"p\" holds a plain value, not a list"), kv.push("r", "p", "x"));
        assertEquals(done("plain"), kv.get("r", "p"));
    }

    @Test
    void increment_startsAtZero_addsDeltas_andRefusesNonIntegers() {
        assertEquals(done("1"), kv.increment("r", "n", 1));
        assertEquals(done("-4"), kv.increment("r", "n", -5));
        kv.set("r", "s", "abc");
        assertEquals(failed("key \"s\" holds \"abc\", not an integer"), kv.increment("r", "s", 1));
        kv.set("r", "m", Long.toString(Long.MAX_VALUE));
        assertEquals(failed("key \"m\" would overflow a 64-bit integer"), kv.increment("r", "m", 1));
        assertEquals(done(Long.toString(Long.MAX_VALUE)), kv.get("r", "m"));
    }

    @Test
    void aStoreThatCannotBeOpened_failsEveryCallWithTheReason() {
        KeyValues none = new UnavailableKeyValues("state.db is damaged");
        assertEquals(failed("the state store is unavailable: state.db is damaged"), none.get("r", "k"));
        assertEquals(failed("the state store is unavailable: state.db is damaged"), none.increment("r", "k", 1));
    }

    @Test
    void aClosedStore_answersFailed_withTheStoresSentence() {
        store.close();
        EffectResult r = kv.set("r", "k", "v");
        assertTrue(r.failed(), r.toString());
        assertTrue(r.error().startsWith("state store: "), r.error());
    }
}
