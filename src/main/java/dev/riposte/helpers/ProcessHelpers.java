package dev.riposte.helpers;

import dev.riposte.effect.EffectResult;
import dev.riposte.effect.emergency.Emergency;
import dev.riposte.effect.process.Processes;
import dev.riposte.event.Event;
import dev.riposte.event.EventProcesses;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/**
 * The helpers that end processes or the whole machine. KillCurrent and KillParent need the event's
 * start time for their process (without it pid reuse cannot be ruled out); KillProcess checks the
 * start time when the event names that pid, and otherwise relies on the other refusals.
 */
final class ProcessHelpers {
    static final List<String> NAMES = List.of("KillCurrent", "KillParent", "KillProcess", "PowerOff", "Panic");

    private ProcessHelpers() {}

    static void install(Map<String, ProxyExecutable> out, Functions f, Processes processes, Emergency emergency) {
        out.put("KillCurrent", f.code("KillCurrent", args -> {
            Args.count(args, 0, 0);
            return kill(processes, "process", EventProcesses.current(f.event("the process")));
        }));
        out.put("KillParent", f.code("KillParent", args -> {
            Args.count(args, 0, 0);
            return kill(processes, "parent process", EventProcesses.parent(f.event("the process")));
        }));
        out.put("KillProcess", f.code("KillProcess", args -> {
            Args.count(args, 1, 1);
            long pid = Args.integer(args, 0, "pid");
            if (pid < 1) {
                throw new ArgumentException("argument 1 (pid) must be a positive pid, got " + pid);
            }
            Event event = f.scope().event();
            return processes.kill(pid, event == null ? null : EventProcesses.startOf(event, pid));
        }));
        out.put("PowerOff", f.code("PowerOff", args -> {
            Args.count(args, 0, 0);
            return emergency.powerOff();
        }));
        out.put("Panic", f.code("Panic", args -> {
            Args.count(args, 0, 0);
            return emergency.panic();
        }));
    }


    private static EffectResult kill(Processes processes, String what, Optional<EventProcesses.Described> p) {
        if (p.isEmpty()) {
            return EffectResult.failed("the event names no " + what);
        }
        if (p.get().start() == null) {
            return EffectResult.failed("the event gives no start time for " + what + " " + p.get().pid()
                    + ", so pid reuse cannot be ruled out");
        }
        return processes.kill(p.get().pid(), p.get().start());
    }
}
