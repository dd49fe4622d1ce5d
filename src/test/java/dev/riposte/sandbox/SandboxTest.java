package dev.riposte.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.event.Event;
import dev.riposte.match.Reaction;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestSandboxes;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.SandboxPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {
    /** ECMAScript's own globals as GraalJS defines them (plus Intl, SharedArrayBuffer and Atomics, all standard). */
    static final List<String> ECMASCRIPT = List.of(
            "AggregateError",
            "Array",
            "ArrayBuffer",
            "Atomics",
            "BigInt",
            "BigInt64Array",
            "BigUint64Array",
            "Boolean",
            "DataView",
            "Date",
            "Error",
            "EvalError",
            "FinalizationRegistry",
            "Float16Array",
            "Float32Array",
            "Float64Array",
            "Function",
            "Infinity",
            "Int16Array",
            "Int32Array",
            "Int8Array",
            "Intl",
            "Iterator",
            "JSON",
            "Map",
            "Math",
            "NaN",
            "Number",
            "Object",
            "Promise",
            "Proxy",
            "RangeError",
            "ReferenceError",
            "Reflect",
            "RegExp",
            "Set",
            "SharedArrayBuffer",
            "String",
            "Symbol",
            "SyntaxError",
            "TypeError",
            "URIError",
            "Uint16Array",
            "Uint32Array",
            "Uint8Array",
            "Uint8ClampedArray",
            "WeakMap",
            "WeakRef",
            "WeakSet",
            "decodeURI",
            "decodeURIComponent",
            "encodeURI",
            "encodeURIComponent",
            "escape",
            "eval",
            "globalThis",
            "isFinite",
            "isNaN",
            "parseFloat",
            "parseInt",
            "undefined",
            "unescape");

    static final List<String> RIPOSTE = List.of(
            "kind",
            "name",
            "uuid",
            "data",
            "process",
            "Info",
            "Warn",
            "Error",
            "Errno",
            "console",
            "CreateTempDir",
            "RemoveDir",
            "WriteFile",
            "ReadFile",
            "Stat",
            "NetBlockIp",
            "NetUnblockIp",
            "NetBlockIpTimer",
            "NetBlockDomain",
            "KillCurrent",
            "KillParent",
            "KillProcess",
            "PowerOff",
            "Panic",
            "DataSet",
            "DataGet",
            "DataDelete",
            "DataPush",
            "DataPop",
            "DataKeys",
            "DataValues",
            "DataClear",
            "DataSize",
            "DataIsEmpty",
            "DataHasKey",
            "DataHasValue",
            "DataIncr");

    private static Sandbox sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sandbox = TestSandboxes.withoutEffects();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private RunResult run(String body) throws Exception {
        return run(body, Samples.event("01"));
    }

    private RunResult run(String body, Event event) throws Exception {
        Reaction r = TestSandboxes.load(sandbox, dir, "r", "// @on *\n// @timeout 300ms\n" + body);
        return sandbox.run(r, event);
    }

    /** Runs code that throws its findings, and returns the message. */
    private String report(String body) throws Exception {
        Outcome outcome = run(body).outcome();
        assertInstanceOf(Outcome.Failed.class, outcome);
        String message = ((Outcome.Failed) outcome).message();
        assertTrue(message.startsWith("Error: REPORT "), message);
        return message.substring("Error: REPORT ".length());
    }

    @Test
    void globalThis_holdsOnlyEcmascriptBuiltins_theEventGlobals_andTheHelpers() throws Exception {
        String names = report(
                "function process(data) { throw new Error('REPORT ' + Object.getOwnPropertyNames(globalThis).join(',')); }");
        TreeSet<String> expected = new TreeSet<>(ECMASCRIPT);
        expected.addAll(RIPOSTE);
        assertEquals(expected, new TreeSet<>(Arrays.asList(names.split(","))));
    }

    @Test
    void eventGlobals_carryTheEvent() throws Exception {
        assertEquals(
                "crypto_miner_execution|crypto_miner_execution|fc76e4b9-eefa-45a7-adb7-9e86509665e4|20934|true",
                report(
                        "function process(d) { throw new Error('REPORT ' + [kind, name, uuid, d.process.pid, d === data].join('|')); }"));
    }

    @Test
    void unicodeEvent_arrivesIntact() throws Exception {
        Outcome o = run(
                        "function process(d) { throw new Error('REPORT ' + [...d.process.args].length + ' ' + d.process.args.length); }",
                        Samples.event("10"))
                .outcome();
        assertEquals(new Outcome.Failed("Error: REPORT 5000 5087", 3), o, "5,000 code points, 5,087 UTF-16 units");
    }

    @Test
    void hostAndEngineEscapes_areUndefinedOrRefused() throws Exception {
        assertEquals(
                "undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined",
                report(
                        "function process(d) { throw new Error('REPORT ' + [typeof Java, typeof Packages, typeof Polyglot, "
                                + "typeof Graal, typeof load, typeof loadWithNewGlobal, typeof print, typeof printErr, typeof quit, "
                                + "typeof read].join(',')); }"));
        for (String attempt : List.of(
                "Java.type('java.lang.Runtime')",
                "Packages.java.lang.System.exit(1)",
                "Polyglot.eval('js', '1')",
                "load('/etc/passwd')",
                "require('fs')")) {
            Outcome o = run("function process(d) { " + attempt + "; }").outcome();
            assertEquals("ReferenceError", ((Outcome.Failed) o).message().split(":")[0], attempt);
        }
    }

    @Test
    void dynamicImport_ofAHostFile_isRefused() throws Exception {
        String outcome = report("""
                async function process(d) {
                  let seen;
                  try { await import('/etc/passwd'); seen = 'LOADED'; } catch (e) { seen = 'refused'; }
                  throw new Error('REPORT ' + seen);
                }""");
        assertEquals("refused", outcome);
    }

    @Test
    void asyncProcess_thatResolves_isOk() throws Exception {
        assertEquals(
                new Outcome.Ok(),
                run("async function process(d) { await null; Info('done'); }").outcome());
    }

    @Test
    void asyncProcess_thatNeverSettles_isAnError() throws Exception {
        assertEquals(
                new Outcome.Failed("process returned a promise that never settled", 0),
                run("function process(d) { return new Promise(() => {}); }").outcome());
    }

    @Test
    void globalObjectFromFunctionConstructor_exposesNoHostObjects() throws Exception {
        assertEquals("undefined,undefined,undefined,true", report("""
                function process(d) {
                  const g = Function('return this')();
                  throw new Error('REPORT ' + [typeof g.Java, typeof Info.getClass, typeof Object.getPrototypeOf(Info).getClass,
                      g === globalThis].join(','));
                }"""));
    }

    @Test
    void aGlobalLeftBehind_isNotSeenByTheNextRun() throws Exception {
        assertInstanceOf(
                Outcome.Ok.class,
                run("function process(d) { globalThis.leak = 42; Object.prototype.polluted = 1; }")
                        .outcome());
        assertEquals(
                "undefined,undefined",
                report(
                        "function process(d) { throw new Error('REPORT ' + typeof leak + ',' + typeof ({}).polluted); }"));
    }

    @Test
    void infiniteLoop_timesOut_andTheEngineKeepsServing() throws Exception {
        RunResult r = run("function process(d) { while (true) {} }");
        assertEquals(new Outcome.TimedOut(Duration.ofMillis(300)), r.outcome());
        assertTrue(r.durationNanos() >= Duration.ofMillis(300).toNanos());
        assertInstanceOf(
                Outcome.Ok.class,
                run("function process(d) { Info('still alive'); }").outcome());
    }

    @Test
    void loopInsideAHelperHeavyRun_isStopped() throws Exception {
        // Each call allocates a little: depending on how fast the loop runs, the deadline or the budget comes first.
        Outcome o = run("function process(d) { for (;;) { Info('spam'); } }").outcome();
        assertTrue(
                o.equals(new Outcome.TimedOut(Duration.ofMillis(300)))
                        || o.equals(new Outcome.Failed(
                                "stopped: the run allocated more than reactions.max_alloc_bytes", 0)),
                o.toString());
    }

    @Test
    void memoryBomb_isStopped_beforeTheHeapRunsShort() throws Exception {
        Reaction r = TestSandboxes.load(
                sandbox,
                dir,
                "bomb",
                "// @on *\n// @timeout 30s\nfunction process(d) { let a = []; while (true) a.push(new Array(1e6).fill(1)); }");
        RunResult result = sandbox.run(r, Samples.event("01"));
        assertEquals(
                new Outcome.Failed("stopped: the run allocated more than reactions.max_alloc_bytes", 0),
                result.outcome());
        assertInstanceOf(
                Outcome.Ok.class,
                run("function process(d) { Info('after the bomb'); }").outcome());
    }

    @Test
    void aRunThatEndsOverItsBudget_beforeTheWatchdogLooks_isAnErrorAllTheSame() throws Exception {
        // 100 MiB against the 64 MiB budget, fast enough to end between two of the watchdog's 5 ms ticks
        // on a busy machine: then the run itself finds it over budget when it ends. The deadline is far: on a
        // busy machine the allocations alone took more than 300 ms, and this is about the budget.
        Reaction r = TestSandboxes.load(
                sandbox,
                dir,
                "r",
                "// @on *\n// @timeout 10s\nfunction process(d) { const keep = []; "
                        + "for (let i = 0; i < 100; i++) keep.push(new Uint8Array(1 << 20)); return keep.length; }");
        for (int i = 0; i < 5; i++) {
            Outcome o = sandbox.run(r, Samples.event("01")).outcome();
            assertInstanceOf(Outcome.Failed.class, o);
            assertTrue(
                    ((Outcome.Failed) o)
                            .message()
                            .startsWith("stopped: the run allocated more than " + "reactions.max_alloc_bytes"),
                    o.toString());
        }
    }

    @Test
    void theLockdown_passesTheChecksOfTheConstrainedPolicy_whoseRulesForbidTheAllocationLimits() {
        // The allocation limits need the TRUSTED policy; everything else CONSTRAINED would require is spelled out.
        try (Engine constrained = Engine.newBuilder("js")
                        .sandbox(SandboxPolicy.CONSTRAINED)
                        .out(OutputStream.nullOutputStream())
                        .err(OutputStream.nullOutputStream())
                        .option("engine.WarnInterpreterOnly", "false")
                        .build();
                Context context = Sandbox.lockdown(
                                Context.newBuilder("js").engine(constrained).sandbox(SandboxPolicy.CONSTRAINED))
                        .build()) {
            assertEquals(2, context.eval("js", "1 + 1").asInt());
        }
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> Engine.newBuilder("js")
                        .sandbox(SandboxPolicy.CONSTRAINED)
                        .out(OutputStream.nullOutputStream())
                        .err(OutputStream.nullOutputStream())
                        .allowExperimentalOptions(true)
                        .option("js.string-length-limit", "1000")
                        .build());
        assertTrue(
                refused.getMessage().contains("can only be used up to the TRUSTED sandbox policy"),
                refused.getMessage());
    }

    @Test
    void singleHugeAllocations_areRefusedBeforeTheyHappen_withTheLimitNamed() throws Exception {
        // join builds its string step by step until it passes the limit: it needs more than the usual 300 ms.
        Reaction join = TestSandboxes.load(
                sandbox,
                dir,
                "join",
                "// @on *\n// @timeout 20s\n" + "function process(d) {\n  new Array(2**27).join('ab');\n}");
        String strings = " (a string may have at most 16777216 characters in a run: reactions.max_alloc_bytes / 4)";
        String typed =
                " (a typed array or array buffer may have at most 4194304 elements in a run: reactions.max_alloc_bytes / 16)";
        assertEquals(
                new Outcome.Failed("RangeError: Array buffer allocation failed" + typed, 3),
                run("function process(d) { new ArrayBuffer(2**30); }").outcome());
        assertEquals(
                new Outcome.Failed("RangeError: Invalid string length" + strings, 3),
                run("function process(d) { 'x'.repeat(2**28); }").outcome());
        assertEquals(
                new Outcome.Failed("RangeError: Invalid typed array length: 209715200" + typed, 3),
                run("function process(d) { new Uint8Array(200 * 2**20); }").outcome());
        assertEquals(
                new Outcome.Failed(
                        "RangeError: Array.prototype.fill: the array has 60000000 elements; at most 4194304 "
                                + "can be filled within this run's memory budget (reactions.max_alloc_bytes)",
                        3),
                run("function process(d) { new Array(60e6).fill(0); }").outcome());
        assertEquals(
                new Outcome.Failed("RangeError: Invalid string length" + strings, 4),
                sandbox.run(join, Samples.event("01")).outcome());
        assertEquals(
                new Outcome.Failed("RangeError: Array buffer allocation failed" + typed, 3),
                run("function process(d) { new ArrayBuffer(8, { maxByteLength: 2**30 }).resize(2**30); }")
                        .outcome());
        assertEquals(
                new Outcome.Failed(
                        "RangeError: JSON.parse: the text has more than 32768 members; parsing it would "
                                + "exceed this run's memory budget (reactions.max_alloc_bytes)",
                        3),
                run("function process(d) { JSON.parse('{' + '\"k\":1,'.repeat(40000) + '\"z\":1}'); }")
                        .outcome());
        assertInstanceOf(
                Outcome.Ok.class,
                run("function process(d) { Info('after the bombs'); }").outcome());
    }

    @Test
    void theGuardedBuiltIns_keepTheirShape_andWork() throws Exception {
        assertEquals("parse,2,fill,1,true,true,[1,2,2],1|2|2,{\"a\":2},7,TypeError", report("""
                function process(d) {
                  let constructed;
                  try { new JSON.parse('1'); constructed = 'yes'; } catch (e) { constructed = e.constructor.name; }
                  throw new Error('REPORT ' + [JSON.parse.name, JSON.parse.length, Array.prototype.fill.name,
                      Array.prototype.fill.length, [0, 0].fill(1).every(x => x === 1), new Uint8Array(3).fill(5)[2] === 5,
                      JSON.stringify([1, 0, 0].fill(2, 1)), Array.prototype.fill.call({ length: 3, 0: 1 }, 2, 1).length === 3
                          ? [1, 2, 2].join('|') : 'broken',
                      JSON.stringify(JSON.parse('{"a":1}', (k, v) => typeof v === 'number' ? v + 1 : v)),
                      JSON.parse(' 7 '), constructed].join(','));
                }"""));
    }

    @Test
    void helpers_revealNoHostClass_andAreNotConstructors() throws Exception {
        String seen = report("""
                function process(d) {
                  const messages = [];
                  for (const attempt of [() => new Info('x'), () => new console.log(), () => Reflect.construct(Info, []),
                                         () => { class X extends Info {} return new X(); }]) {
                    try { attempt(); messages.push('CONSTRUCTED'); } catch (e) { messages.push(e.message); }
                  }
                  throw new Error('REPORT ' + [...messages, typeof Info, String(Info), String(console.log)].join('|'));
                }""");
        assertEquals(
                "instantiate on Info failed due to: Message not supported.|instantiate on log failed due to: Message "
                        + "not supported.|Info is not a constructor|not a constructor|function|function () { [native code] }|"
                        + "function () { [native code] }",
                seen);
    }

    @Test
    void thrownError_isAnErrorOutcome_withTheScriptLine() throws Exception {
        Outcome o = run("function process(d) {\n  const x = 1;\n  throw new Error('boom');\n}")
                .outcome();
        assertEquals(new Outcome.Failed("Error: boom", 5), o);
    }

    @Test
    void typeError_fromBadFieldAccess_isAnErrorOutcome() throws Exception {
        Outcome o = run("function process(d) { return d.nothing.here; }").outcome();
        assertEquals("TypeError: Cannot read property 'here' of undefined", ((Outcome.Failed) o).message());
    }

    @Test
    void errorHelper_logs_whileNewErrorStillConstructs() throws Exception {
        RunResult r = run("""
                function process(d) {
                  Error('logged');
                  const e = new Error('built');
                  class Mine extends Error {}
                  if (!(e instanceof Error) || !(new TypeError('t') instanceof Error) || !(new Mine('m') instanceof Error)) throw 'broken';
                }""");
        assertEquals(new Outcome.Ok(), r.outcome());
        assertEquals("[Error(\"logged\")=0]", r.calls().toString());
    }

    @Test
    void stackOverflow_isAnErrorOutcome() throws Exception {
        Outcome o = run("function f() { return f() + 1; }\nfunction process(d) { f(); }")
                .outcome();
        assertInstanceOf(Outcome.Failed.class, o);
        assertTrue(((Outcome.Failed) o).message().contains("RangeError"), o.toString());
    }
}
