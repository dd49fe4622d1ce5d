package dev.riposte.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.base.EffectResult;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.Effects;
import dev.riposte.effect.emergency.Emergency;
import dev.riposte.effect.emergency.RefusingEmergency;
import dev.riposte.effect.process.LocalProcesses;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Sleepers;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill helpers against real child processes (sleep), through real pidfds. A start time in the
 * event that differs from the process's stands in for pid reuse. The emergency helpers run against a
 * recording test double: the real ones would stop this machine.
 */
class ProcessHelpersTest {
    @TempDir
    Path tmp;

    Sandbox sandbox;
    final Sleepers sleepers = new Sleepers();

    @AfterEach
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
        sleepers.close();
    }

    private Process sleeper() throws Exception {
        return sleepers.start();
    }

    private static Instant start(Process p) {
        return Sleepers.startTime(p);
    }

    private static Event event(String process, String ancestry) throws Exception {
        return new EventParser()
                .parse(
                        "{\"uuid\":\"u\",\"metadata\":{\"name\":\"t\",\"kind\":\"t\"},\"process\":" + process
                                + ",\"background\":{\"ancestry\":[" + ancestry + "]}}",
                        0);
    }

    private static String proc(long pid, long ppid, Instant start) {
        return "{\"pid\":" + pid + ",\"ppid\":" + ppid + (start == null ? "" : ",\"start\":\"" + start + "\"") + "}";
    }

    private List<String> calls(long minPid, Event event, String body) throws Exception {
        return calls(Effects.refusing("off").withProcesses(new LocalProcesses(minPid)), event, body);
    }

    private List<String> calls(Effects effects, Event event, String body) throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
        sandbox = TestSandboxes.create(effects);
        Reaction r = TestSandboxes.load(sandbox, tmp, "r", "// @on *\nfunction process(data) { " + body + " }");
        RunResult result = sandbox.run(r, event);
        assertEquals(new Outcome.Ok(), result.outcome(), result.toString());
        return TestSandboxes.calls(result.calls());
    }

    @Test
    void killCurrent_killsTheEventsProcess_thenFindsItGone() throws Exception {
        Process p = sleeper();
        Event e = event(proc(p.pid(), 1, start(p)), "");
        assertEquals(List.of("KillCurrent()=0"), calls(1, e, "KillCurrent();"));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(128 + 9, p.exitValue(), "ended by SIGKILL");
        assertEquals(List.of("KillCurrent()=1"), calls(1, e, "KillCurrent();"));
    }

    @Test
    void aDifferentStartTime_meansThePidWasReused_andNothingIsKilled() throws Exception {
        Process p = sleeper();
        Instant wrong = start(p).minus(Duration.ofHours(1));
        List<String> calls =
                calls(1, event(proc(p.pid(), 1, wrong), ""), "KillCurrent(); KillProcess(" + p.pid() + ");");
        String refusal = "refused pid " + p.pid() + ": it started at ";
        assertTrue(calls.get(0).startsWith("KillCurrent()=-1 errno=KillCurrent: " + refusal), calls.get(0));
        assertTrue(
                calls.get(0).endsWith(", but the event's process started at " + wrong + " (the pid was reused)"),
                calls.get(0));
        assertTrue(
                calls.get(1).startsWith("KillProcess(" + p.pid() + ")=-1 errno=KillProcess: " + refusal), calls.get(1));
        assertFalse(p.waitFor(300, TimeUnit.MILLISECONDS), "the process still runs");
    }

    @Test
    void killParent_usesTheAncestryEntryOfThePpid() throws Exception {
        Process parent = sleeper();
        Process other = sleeper();
        Event e = event(proc(other.pid(), parent.pid(), start(other)), proc(parent.pid(), 1, start(parent)));
        assertEquals(List.of("KillParent()=0"), calls(1, e, "KillParent();"));
        assertTrue(parent.waitFor(10, TimeUnit.SECONDS));
        assertTrue(other.isAlive());
    }

    @Test
    void killProcess_ofAPidTheEventDoesNotName_killsWithoutAStartCheck() throws Exception {
        Process p = sleeper();
        assertEquals(
                List.of("KillProcess(" + p.pid() + ")=0"),
                calls(1, event(proc(1, 0, null), ""), "KillProcess(" + p.pid() + ");"));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(
                List.of("KillProcess(" + p.pid() + ")=1"),
                calls(1, event(proc(1, 0, null), ""), "KillProcess(" + p.pid() + ");"));
    }

    @Test
    void riposteItself_itsAncestors_andLowPids_areRefused() throws Exception {
        long self = ProcessHandle.current().pid();
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        Process p = sleeper();
        assertEquals(
                List.of(
                        "KillProcess(" + self + ")=-1 errno=KillProcess: refused pid " + self
                                + ": it is riposte itself",
                        "KillProcess(" + parent + ")=-1 errno=KillProcess: refused pid " + parent
                                + ": it is an ancestor of riposte"),
                calls(1, event(proc(1, 0, null), ""), "KillProcess(" + self + "); KillProcess(" + parent + ");"));
        assertEquals(
                List.of("KillProcess(" + p.pid() + ")=-1 errno=KillProcess: refused pid " + p.pid()
                        + ": at or below kill.min_pid " + p.pid()),
                calls(p.pid(), event(proc(1, 0, null), ""), "KillProcess(" + p.pid() + ");"));
        assertTrue(p.isAlive());
    }

    @Test
    void withoutAStartTimeInTheEvent_killCurrentAndKillParentRefuse() throws Exception {
        Process p = sleeper();
        assertEquals(
                List.of(
                        "KillCurrent()=-1 errno=KillCurrent: the event gives no start time for process " + p.pid()
                                + ", so pid reuse cannot be ruled out",
                        "KillParent()=-1 errno=KillParent: the event gives no start time for parent process 1, so pid reuse "
                                + "cannot be ruled out"),
                calls(1, event(proc(p.pid(), 1, null), ""), "KillCurrent(); KillParent();"));
        assertTrue(p.isAlive());
    }

    @Test
    void anEventWithoutAProcess_andBadPids_areErrors() throws Exception {
        Event noProcess = new EventParser().parse("{\"uuid\":\"u\",\"ip\":\"203.0.113.1\"}", 0);
        assertEquals(
                List.of(
                        "KillCurrent()=-1 errno=KillCurrent: the event names no process",
                        "KillParent()=-1 errno=KillParent: the event names no parent process",
                        "KillProcess(\"12\")=-1 errno=KillProcess: argument 1 (pid) must be a whole number, got string",
                        "KillProcess(0)=-1 errno=KillProcess: argument 1 (pid) must be a positive pid, got 0",
                        "KillProcess(1.5)=-1 errno=KillProcess: argument 1 (pid) must be a whole number, got 1.5",
                        "KillCurrent(1)=-1 errno=KillCurrent: expected 0 arguments, got 1"),
                calls(
                        1,
                        noProcess,
                        "KillCurrent(); KillParent(); KillProcess('12'); KillProcess(0); KillProcess(1.5); KillCurrent(1);"));
    }

    /** Test double for the emergency actions: records what was asked. */
    static final class RecordingEmergency implements Emergency {
        final List<String> asked = new ArrayList<>();

        @Override
        public EffectResult powerOff() {
            asked.add("powerOff");
            return EffectResult.done();
        }

        @Override
        public EffectResult panic() {
            asked.add("panic");
            return EffectResult.done();
        }
    }

    @Test
    void emergencyHelpers_areRefusedUnlessEnabled_andOtherwiseReachTheEmergencyInterface() throws Exception {
        Event e = event(proc(1, 0, null), "");
        assertEquals(
                List.of(
                        "PowerOff()=-1 errno=PowerOff: refused: emergency helpers are disabled (emergency.enabled is false)",
                        "Panic()=-1 errno=Panic: refused: emergency helpers are disabled (emergency.enabled is false)"),
                calls(
                        Effects.refusing("off")
                                .withEmergency(new RefusingEmergency(
                                        "emergency helpers are disabled (emergency.enabled is false)")),
                        e,
                        "PowerOff(); Panic();"));
        RecordingEmergency recording = new RecordingEmergency();
        assertEquals(
                List.of("PowerOff()=0", "Panic()=0", "Panic(true)=-1 errno=Panic: expected 0 arguments, got 1"),
                calls(Effects.refusing("off").withEmergency(recording), e, "PowerOff(); Panic(); Panic(true);"));
        assertEquals(List.of("powerOff", "panic"), recording.asked);
    }

    /** A Falco sample whose proc.pid and proc.pid.ts are those of {@code p}. */
    private static Event falcoFor(Process p) throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dev.riposte.testing.Samples.line(dev.riposte.testing.Samples.FALCO, "03"));
        Instant start = start(p);
        var fields = (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("output_fields");
        fields.put("proc.pid", p.pid());
        fields.put("proc.pid.ts", start.getEpochSecond() * 1_000_000_000L + start.getNano());
        return new EventParser().parse(tree.toString(), 0);
    }

    /** A Tetragon sample whose process (and every image of the same pid) is {@code p}. */
    private static Event tetragonFor(String prefix, Process p) throws Exception {
        String line = dev.riposte.testing.Samples.line(dev.riposte.testing.Samples.TETRAGON, prefix);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        var body = tree.elements().next();
        long pid = body.get("process").get("pid").asLong();
        String start = start(p).toString();
        for (var image : List.of(body.get("process"), body.get("parent"))) {
            if (image.get("pid").asLong() == pid) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) image)
                        .put("pid", p.pid())
                        .put("start_time", start);
            }
        }
        return new EventParser().parse(tree.toString(), 0);
    }

    @Test
    void falcoAlert_killCurrent_actsOnProcPid_checkedByProcPidTs() throws Exception {
        Process p = sleeper();
        assertEquals(List.of("KillCurrent()=0"), calls(1, falcoFor(p), "KillCurrent();"));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void tetragonEvent_killCurrentActs_killParentOfAnInPlaceExecRefuses() throws Exception {
        Process p = sleeper();
        Event connect = tetragonFor("04", p);
        assertEquals(
                List.of("KillParent()=-1 errno=KillParent: the event's parent is pid " + p.pid() + " itself (a program "
                        + "exec'd in place of another): killing it would kill the process, not its parent"),
                calls(1, connect, "KillParent();"));
        assertTrue(p.isAlive());
        assertEquals(List.of("KillCurrent()=0"), calls(1, connect, "KillCurrent();"));
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void tetragonEnforcedEvent_isNotSignalledAgain() throws Exception {
        Process p = sleeper();
        assertEquals(List.of("KillCurrent()=1"), calls(1, tetragonFor("06", p), "KillCurrent();"));
        assertFalse(
                p.waitFor(300, TimeUnit.MILLISECONDS), "Tetragon killed it already; riposte does not signal the pid");
    }
}
