package dev.riposte.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.base.EffectResult;
import dev.riposte.daemon.Components;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.Effects;
import dev.riposte.effect.state.SqliteKeyValues;
import dev.riposte.effect.state.StateStore;
import dev.riposte.effect.state.UnavailableKeyValues;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Data* helpers as a reaction sees them, on a real SQLite store. */
class DataHelpersTest {
    @TempDir
    Path tmp;

    StateStore store;
    SqliteKeyValues kv;
    Sandbox sandbox;

    @BeforeEach
    void start() throws Exception {
        store = StateStore.open(tmp.resolve("state.db"), Components.SCHEMA);
        kv = new SqliteKeyValues(store, 5);
        sandbox = TestSandboxes.create(Effects.refusing("off in this test").withStore(kv));
    }

    @AfterEach
    void stop() {
        sandbox.close();
        store.close();
    }

    private RunResult run(String name, String body) throws Exception {
        Reaction r = TestSandboxes.load(
                sandbox, tmp, name, "// @on *\n// @timeout 30s\nfunction process(data) { " + body + " }");
        RunResult result = sandbox.run(r, Samples.event("01"));
        assertEquals(new Outcome.Ok(), result.outcome(), result.toString());
        return result;
    }

    private List<String> calls(String body) throws Exception {
        return TestSandboxes.calls(run("r", body).calls());
    }

    @Test
    void dataKeysAndValues_overTheResultLimit_areRefused_neverCut() throws Exception {
        SqliteKeyValues small = new SqliteKeyValues(store, 100, 64 * 1024);
        try (Sandbox bounded =
                TestSandboxes.create(Effects.refusing("off in this test").withStore(small))) {
            Reaction r = TestSandboxes.load(
                    bounded,
                    tmp,
                    "big",
                    "// @on *\n// @timeout 30s\nfunction process(data) {\n"
                            + "  for (let i = 0; i < 3; i++) DataSet('k' + i, 'v'.repeat(30000));\n"
                            + "  DataKeys(); DataValues(); DataDelete('k2'); DataValues().length;\n}");
            RunResult result = bounded.run(r, Samples.event("01"));
            assertEquals(new Outcome.Ok(), result.outcome());
            List<String> calls = TestSandboxes.calls(result.calls());
            assertEquals("DataKeys()=\"[\\\"k0\\\",\\\"k1\\\",\\\"k2\\\"]\"", calls.get(3));
            assertEquals(
                    "DataValues()=\"\" errno=DataValues: the 3 values hold at least 90011 bytes as JSON; the limit is "
                            + "65536 (state.max_result_bytes): read them one by one with DataGet",
                    calls.get(4));
            assertEquals("DataValues()=\"[\\\"" + "v".repeat(78) + "...\"", calls.get(6), "two values fit");
        }
    }

    @Test
    void everyHelper_returnsItsContractValue() throws Exception {
        assertEquals(
                List.of(
                        "DataIsEmpty()=true",
                        "DataGet(\"ip\")=\"\" errno=DataGet: no key \"ip\"",
                        "DataSet(\"ip\", \"203.0.113.7\")=0",
                        "DataSet(\"count\", 5)=0",
                        "DataGet(\"count\")=\"5\"",
                        "DataHasKey(\"ip\")=true",
                        "DataHasKey(\"nope\")=false",
                        "DataHasValue(\"203.0.113.7\")=true",
                        "DataHasValue(5)=true",
                        "DataSize()=2",
                        "DataIsEmpty()=false",
                        "DataKeys()=\"[\\\"count\\\",\\\"ip\\\"]\"",
                        "DataValues()=\"[\\\"5\\\",\\\"203.0.113.7\\\"]\"",
                        "DataDelete(\"count\")=0",
                        "DataDelete(\"count\")=1",
                        "DataPush(\"q\", \"a\")=0",
                        "DataPush(\"q\", \"b\")=0",
                        "DataPop(\"q\")=\"b\"",
                        "DataPop(\"q\")=\"a\"",
                        "DataPop(\"q\")=\"\" errno=DataPop: the list \"q\" is empty",
                        "DataIncr(\"n\")=1",
                        "DataIncr(\"n\", 41)=42",
                        "DataIncr(\"n\", -2)=40",
                        "DataClear()=0",
                        "DataClear()=1",
                        "DataSize()=0"),
                calls("""
                        DataIsEmpty(); DataGet('ip'); DataSet('ip', '203.0.113.7'); DataSet('count', 5); DataGet('count');
                        DataHasKey('ip'); DataHasKey('nope'); DataHasValue('203.0.113.7'); DataHasValue(5); DataSize();
                        DataIsEmpty(); DataKeys(); DataValues(); DataDelete('count'); DataDelete('count');
                        DataPush('q', 'a'); DataPush('q', 'b'); DataPop('q'); DataPop('q'); DataPop('q');
                        DataIncr('n'); DataIncr('n', 41); DataIncr('n', -2); DataClear(); DataClear(); DataSize();
                        """));
    }

    @Test
    void resultsHaveTheirJavaScriptTypes() throws Exception {
        RunResult r = run("r", """
                DataSet('k', 'v');
                const types = [typeof DataSize(), typeof DataIsEmpty(), typeof DataIncr('n'), typeof DataGet('k'),
                               JSON.parse(DataKeys()).length];
                Info(types.join(','));
                """);
        assertEquals(
                "Info(\"number,boolean,number,string,2\")=0",
                r.calls().getLast().toString());
    }

    @Test
    void wrongArgumentsAndLimits_returnTheErrorValue_andNameWhatWasWrong() throws Exception {
        assertEquals(
                List.of(
                        "DataSet(object, \"x\")=-1 errno=DataSet: argument 1 (key) must be a string, number or boolean, got object",
                        "DataSet(\"k\")=-1 errno=DataSet: expected 2 arguments, got 1",
                        "DataGet()=\"\" errno=DataGet: expected 1 argument, got 0",
                        "DataIncr(\"n\", 1.5)=null errno=DataIncr: argument 2 (delta) must be a whole number, got 1.5",
                        "DataHasKey(undefined)=null errno=DataHasKey: argument 1 (key) must be a string, number or boolean, got undefined",
                        "DataSize(1)=-1 errno=DataSize: expected 0 arguments, got 1",
                        "DataSet(\"" + "k".repeat(80)
                                + "...\", \"v\")=-1 errno=DataSet: a key must have 1 to 256 bytes; this one has 257"),
                calls(
                        "DataSet({}, 'x'); DataSet('k'); DataGet(); DataIncr('n', 1.5); DataHasKey(undefined); DataSize(1);"
                                + "DataSet('k'.repeat(257), 'v');"));
    }

    @Test
    void eachReaction_seesOnlyItsOwnNamespace() throws Exception {
        run("writer", "DataSet('secret', 'w');");
        RunResult other = run("reader", "DataGet('secret');");
        assertEquals("DataGet(\"secret\")=\"\"", other.calls().getFirst().toString());
        assertEquals(EffectResult.done("w"), kv.get("writer", "secret"));
    }

    @Test
    void dataIncr_isAtomic_acrossParallelRuns() throws Exception {
        Reaction r = TestSandboxes.load(
                sandbox,
                tmp,
                "counter",
                "// @on *\n// @timeout 60s\nfunction process(data) { for (let i = 0; i < 1000; i++) DataIncr('hits'); }");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<RunResult>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> sandbox.run(r, Samples.event("01"))));
            }
            for (Future<RunResult> f : runs) {
                assertEquals(new Outcome.Ok(), f.get().outcome());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(EffectResult.done("8000"), kv.get("counter", "hits"));
    }

    @Test
    void anUnavailableStore_failsEachHelperWithTheReason() throws Exception {
        sandbox.close();
        sandbox = TestSandboxes.create(Effects.refusing("off")
                .withStore(
                        new UnavailableKeyValues("cannot open the state store /x/state.db: file is not a database")));
        assertEquals(
                List.of(
                        "DataSet(\"k\", \"v\")=-1 errno=DataSet: the state store is unavailable: cannot open the state store "
                                + "/x/state.db: file is not a database",
                        "DataIsEmpty()=null errno=DataIsEmpty: the state store is unavailable: cannot open the state store "
                                + "/x/state.db: file is not a database"),
                calls("DataSet('k', 'v'); DataIsEmpty();"));
    }
}
