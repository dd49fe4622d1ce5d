package dev.riposte.effect.process;

import dev.riposte.base.EffectResult;
import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills processes of this host with SIGKILL through a pidfd, after refusing what must never be
 * killed: pids at or below {@code kill.min_pid}, riposte itself and its ancestors, and a process
 * whose start time is not the one the event gave (its pid was reused). Thread-safe (immutable).
 */
public final class LocalProcesses implements Processes {
    /**
     * How far the start time read from /proc may be from the event's. Both are derived from the time
     * since boot and the wall clock, each side with its own rounding (the detector may round the boot
     * time to the second); a pid is not reused within two seconds.
     */
    static final Duration START_TOLERANCE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcesses.class);

    private final LibC libc = LibC.system();
    private final long minPid;
    private final Path proc;
    private final boolean dryRun;

    public LocalProcesses(long minPid) {
        this(minPid, Path.of("/proc"), false);
    }

    LocalProcesses(long minPid, Path proc, boolean dryRun) {
        this.minPid = minPid;
        this.proc = proc;
        this.dryRun = dryRun;
    }

    /**
     * Every check a real kill makes (the refusals, the process still there, its start time), then no
     * signal: the answer is what the kill would have been ({@code riposte test}).
     */
    public static LocalProcesses dryRun(long minPid) {
        return new LocalProcesses(minPid, Path.of("/proc"), true);
    }

    @Override
    public EffectResult kill(long pid, @Nullable Instant expectedStart) {
        if (pid <= minPid) {
            return EffectResult.failed("refused pid " + pid + ": at or below kill.min_pid " + minPid);
        }
        ProcessHandle self = ProcessHandle.current();
        if (pid == self.pid()) {
            return EffectResult.failed("refused pid " + pid + ": it is riposte itself");
        }
        for (Optional<ProcessHandle> p = self.parent();
                p.isPresent();
                p = p.get().parent()) {
            if (p.get().pid() == pid) {
                return EffectResult.failed("refused pid " + pid + ": it is an ancestor of riposte");
            }
        }
        int pidfd;
        try {
            pidfd = libc.pidfdOpen(pid);
        } catch (ErrnoException e) {
            if (e.errno == ErrnoException.ESRCH) {
                return EffectResult.unchanged();
            }
            return EffectResult.failed("cannot open pid " + pid + ": " + ErrnoException.describe(e.errno));
        }
        try {
            return checkAndKill(pid, pidfd, expectedStart);
        } finally {
            libc.close(pidfd);
        }
    }

    /** The pidfd pins the process; reading /proc afterwards describes it or, if it died meanwhile, fails safe. */
    private EffectResult checkAndKill(long pid, int pidfd, @Nullable Instant expectedStart) {
        Optional<ProcStat> stat;
        try {
            stat = ProcStat.read(proc, pid);
        } catch (IOException e) {
            return EffectResult.failed("cannot read /proc/" + pid + "/stat: " + e.getMessage());
        }
        if (stat.isEmpty() || stat.get().state() == 'Z') {
            return EffectResult.unchanged();
        }
        if (expectedStart != null) {
            Duration off = Duration.between(expectedStart, stat.get().start()).abs();
            if (off.compareTo(START_TOLERANCE) > 0) {
                return EffectResult.failed(
                        "refused pid " + pid + ": it started at " + stat.get().start()
                                + ", but the event's process started at " + expectedStart + " (the pid was reused)");
            }
        }
        if (dryRun) {
            LOG.info("dry run: would kill pid {} (SIGKILL)", pid);
            return EffectResult.done();
        }
        try {
            libc.pidfdSendSignal(pidfd, LibC.SIGKILL);
        } catch (ErrnoException e) {
            if (e.errno == ErrnoException.ESRCH) {
                return EffectResult.unchanged();
            }
            if (e.errno == ErrnoException.EPERM) {
                return EffectResult.failed("not permitted to kill pid " + pid + " (riposte needs CAP_KILL)");
            }
            return EffectResult.failed("cannot signal pid " + pid + ": " + ErrnoException.describe(e.errno));
        }
        LOG.info("killed pid {} (SIGKILL)", pid);
        return EffectResult.done();
    }
}
