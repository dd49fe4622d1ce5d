package dev.riposte.sandbox;

import dev.riposte.base.Text;
import dev.riposte.dispatch.Outcome;
import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import dev.riposte.effect.process.ProcStat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a shell run ends, with every process it started (at its exit, at its deadline, or when the daemon stops),
 * and what its status says.
 */
final class ShellEnd {
    private static final Logger LOG = LoggerFactory.getLogger(ShellEnd.class);
    private static final Path PROC = Path.of("/proc");

    private ShellEnd() {}

    /**
     * Ends a shell run: in a namespace, SIGKILL to unshare takes its child, the namespace's init, and the
     * kernel then kills every process left in the namespace; otherwise the session's process group is
     * killed (its leader is still alive, waiting on stdin, so the group id cannot have been reused).
     */
    static void end(Process p, boolean namespace, LibC libc) throws IOException, InterruptedException {
        if (namespace) {
            List<ProcessHandle> inits = p.toHandle().children().toList();
            // Through the handle: Process.destroyForcibly also closes the output streams, and what the shell
            // wrote last, still in the pipe, would be lost to the reader (3 runs in 400 on a busy machine).
            p.toHandle().destroyForcibly();
            p.getOutputStream().close();
            p.waitFor();
            // The init's death tears the namespace down, but not within the kill call: the run ends only once
            // the kernel has killed and reaped every process in it, which is done before the init is a zombie.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (ProcessHandle init : inits) {
                while (running(init) && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            }
            return;
        }
        killGroup(p.pid(), libc);
        p.getOutputStream().close();
        p.waitFor();
    }

    /**
     * What a run's status line says: the shell's exit status, or, when what starts it (setpriv, unshare,
     * bwrap) failed, that tool's complaint; {@code dataInEnv} false adds why REACTION_DATA was not set.
     */
    static Outcome outcome(String code, boolean dataInEnv) {
        String note = dataInEnv
                ? ""
                : " (REACTION_DATA was not set: the event is too large for one environment string; "
                        + "read REACTION_DATA_FILE)";
        if (code.equals("0")) {
            return new Outcome.Ok();
        }
        if (code.isEmpty()) {
            return new Outcome.Failed("the shell ended without a status" + note, 0);
        }
        if (!code.matches("[0-9]{1,3}")) {
            return new Outcome.Failed("the shell did not start: " + Text.forLog(code), 0);
        }
        int n = Integer.parseInt(code);
        return new Outcome.Failed(
                n > 128
                        ? "the shell was killed by signal " + (n - 128) + note
                        : "the shell exited with status " + n + note,
                0);
    }

    /** Whether a process is alive and not yet a zombie. */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            return ProcStat.read(PROC, process.pid())
                    .map(s -> s.state() != 'Z' && s.state() != 'X')
                    .orElse(false);
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    /** SIGKILLs the shell's whole process group (its leader is alive, so the group id is still ours). */
    private static void killGroup(long pgid, LibC libc) {
        try {
            libc.kill(-pgid, LibC.SIGKILL);
        } catch (ErrnoException e) {
            if (e.errno != ErrnoException.ESRCH) {
                LOG.warn("cannot kill the shell's process group {}: {}", pgid, e.getMessage());
            }
        }
    }
}
