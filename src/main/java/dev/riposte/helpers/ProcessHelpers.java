package dev.riposte.helpers;

import dev.riposte.base.EffectResult;
import dev.riposte.effect.emergency.Emergency;
import dev.riposte.effect.process.Processes;
import dev.riposte.event.Event;
import dev.riposte.event.EventProcesses;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The helpers that end processes or the whole machine. KillCurrent and KillParent need the event's
 * start time for their process (without it pid reuse cannot be ruled out); KillProcess checks the
 * start time when the event names that pid, and otherwise relies on the other refusals.
 */
final class ProcessHelpers {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessHelpers.class);
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

    private static EffectResult kill(Processes processes, String what, EventProcesses.Target target) {
        return switch (target) {
            case EventProcesses.Target.None none -> EffectResult.failed(none.reason());
            case EventProcesses.Target.AlreadyKilled killed -> {
                // Its pid may already be free again: signalling it could only hit another process.
                LOG.info("{} {} not signalled: {}", what, killed.pid(), killed.by());
                yield EffectResult.unchanged()
                        .withTargets(List.of("pid " + killed.pid() + ": not signalled (" + killed.by() + ")"));
            }
            case EventProcesses.Target.Found p
            when p.start() == null ->
                EffectResult.failed("the event gives no start time for " + what + " " + p.pid()
                        + ", so pid reuse cannot be ruled out");
            case EventProcesses.Target.Found p -> {
                EffectResult r = processes.kill(p.pid(), p.start());
                yield r.withTargets(List.of("pid " + p.pid() + ": "
                        + switch (r.code()) {
                            case 0 -> "SIGKILL";
                            case 1 -> "already gone";
                            default -> "refused";
                        }));
            }
        };
    }
}
