package dev.riposte.sandbox;

import dev.riposte.base.Text;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.ReactionRunner;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.files.Tree;
import dev.riposte.effect.os.LibC;
import dev.riposte.event.Event;
import dev.riposte.match.Code;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionException;
import dev.riposte.match.ScriptValidator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs shell reactions: {@code /bin/sh} under a {@link ShellIsolation} (by default as an unprivileged user
 * with no capabilities, in its own pid namespace), in a fresh mode 0700 working directory that is removed
 * afterwards, with a minimal environment: {@code REACTION_DATA} (the event JSON, when it fits in one
 * environment string), {@code REACTION_DATA_FILE} (the same JSON in a file, always), {@code REACTION_NAME},
 * {@code EVENT_UUID} (control characters escaped), {@code PATH}, {@code HOME} and {@code TMPDIR} (the
 * working directory). When the shell exits, and at the deadline, the run's namespace is torn down, so
 * every process it started is gone, also one that keeps the output pipe open. Output (stdout and stderr
 * together) is logged, cut at {@link #MAX_OUTPUT_BYTES}. Thread-safe.
 */
public final class ShellRunner implements ReactionRunner, ScriptValidator {
    static final int MAX_OUTPUT_BYTES = 16 * 1024;
    /** Lines of a run's output logged, at most (each its own entry). */
    static final int MAX_OUTPUT_LINES = 100;
    /** Linux refuses a single environment string longer than this (MAX_ARG_STRLEN). */
    static final int MAX_ENV_STRING = 128 * 1024;

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Logger LOG = LoggerFactory.getLogger(ShellRunner.class);
    /**
     * The leader: runs the reaction (stdin from /dev/null, stderr into stdout) under a backstop deadline
     * ({@code $2} seconds: should riposte itself die mid-run, nothing outlives the run for long), reports
     * its exit status on its own stderr, then waits on stdin until riposte ends the run.
     */
    static final String LEADER =
            "timeout --foreground -s KILL \"$2\" /bin/sh \"$1\" </dev/null 2>&1; echo $? >&2; read -r _";

    private final Path workRoot;
    private final ShellIsolation isolation;
    private final LibC libc;
    private final ConfinedStart confined;
    /** The shells running now, so that a stopping daemon can end them all. */
    private final Set<Process> live = ConcurrentHashMap.newKeySet();

    private volatile boolean cancelled;

    /**
     * @param workRoot where working directories are made (each removed after its run)
     * @param libc what drops the shell's capabilities and kills what it leaves behind
     */
    public ShellRunner(Path workRoot, ShellIsolation isolation, LibC libc) {
        this.workRoot = workRoot;
        this.isolation = isolation;
        this.libc = libc;
        this.confined = new ConfinedStart(libc);
    }

    /** A runner making its working directories in the JVM's temporary directory (private under systemd). */
    public static ShellRunner inTempDir(ShellIsolation isolation, LibC libc) {
        return new ShellRunner(Path.of(System.getProperty("java.io.tmpdir")), isolation, libc);
    }

    public ShellIsolation isolation() {
        return isolation;
    }

    /** Checks the syntax with {@code sh -n} ({@link ShellSyntax}). */
    @Override
    public Code.Shell validate(String fileName, String text) throws ReactionException {
        if (isolation.mode() == ShellIsolation.Mode.REFUSED) {
            throw new ReactionException(1, "shell reactions cannot run here: " + isolation.reason());
        }
        return ShellSyntax.check(text);
    }

    @Override
    public RunResult run(Reaction reaction, Event event) {
        long start = System.nanoTime();
        Outcome outcome;
        Path work = null;
        try {
            String unreachable = unreachable();
            if (unreachable != null) {
                return new RunResult(new Outcome.Failed(unreachable, 0), List.of(), System.nanoTime() - start);
            }
            work = Files.createTempDirectory(
                    workRoot,
                    "riposte-sh-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            outcome = execute(reaction, event, work);
        } catch (IOException e) {
            outcome = new Outcome.Failed("cannot start the shell: " + e.getMessage(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = new Outcome.Failed("interrupted", 0);
        } finally {
            if (work != null) {
                removeTree(work);
            }
        }
        return new RunResult(outcome, List.of(), System.nanoTime() - start);
    }

    private Outcome execute(Reaction reaction, Event event, Path work) throws IOException, InterruptedException {
        Path script = work.resolve("reaction.sh");
        Files.writeString(script, reaction.code().text());
        Path data = work.resolve("event.json");
        Files.writeString(data, event.json());
        if (isolation.switchUser()) {
            for (Path p : List.of(work, script, data)) {
                Files.setAttribute(p, "unix:uid", isolation.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", isolation.gid(), LinkOption.NOFOLLOW_LINKS);
            }
        }
        long backstop = reaction.timeout().toSeconds() + 2;
        ProcessBuilder pb = new ProcessBuilder(isolation.command(
                        List.of("/bin/sh", "-c", LEADER, "riposte-shell", script.toString(), Long.toString(backstop)),
                        work))
                .directory(work.toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", PATH);
        env.put("HOME", work.toString());
        env.put("TMPDIR", work.toString());
        env.put("REACTION_NAME", reaction.name());
        env.put("EVENT_UUID", Text.escape(event.uuid()));
        env.put("REACTION_DATA_FILE", data.toString());
        boolean fits = ("REACTION_DATA=" + event.json()).getBytes(StandardCharsets.UTF_8).length < MAX_ENV_STRING;
        if (fits) {
            env.put("REACTION_DATA", event.json());
        }
        Process p = start(pb);
        live.add(p);
        ShellOutput output = new ShellOutput(p.getInputStream());
        Thread drain = Thread.ofVirtual().start(output);
        CompletableFuture<String> status = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                String line = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))
                        .readLine();
                status.complete(line == null ? "" : line.strip());
            } catch (IOException e) {
                status.complete("");
            }
        });
        String code = null;
        try {
            code = status.get(reaction.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // passed the deadline: code stays null
        } catch (ExecutionException e) {
            throw new IllegalStateException("the status reader cannot fail", e);
        } finally {
            end(p);
            live.remove(p);
        }
        // In a namespace every holder of the output pipe is gone with the run: the end of the output is
        // certain and near, and waited for (a busy machine can be slow to let the reader finish). A process
        // that left the session (no namespace) can keep the pipe open, so then the output is not waited for long.
        drain.join(TimeUnit.SECONDS.toMillis(isolation.namespace() ? 5 : 1));
        output.log(reaction, event);
        if (code == null || (cancelled && code.isEmpty())) {
            return cancelled
                    ? new Outcome.Failed("stopped: riposte is shutting down", 0)
                    : new Outcome.TimedOut(reaction.timeout());
        }
        return ShellEnd.outcome(code, fits);
    }

    /** Starts the shell; an isolated one from the {@link ConfinedStart} thread. */
    private Process start(ProcessBuilder pb) throws IOException, InterruptedException {
        return isolation.mode() == ShellIsolation.Mode.ISOLATED ? confined.start(pb) : pb.start();
    }

    /** Ends every shell running now, as at a deadline (the daemon is stopping). */
    @Override
    public void cancelAll() {
        cancelled = true;
        for (Process p : live) {
            try {
                end(p);
            } catch (IOException e) {
                LOG.warn("cannot end a shell run while stopping: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Why the shell's user could not reach its working directory under {@link #workRoot}, or null: every
     * directory on the way must let others pass (mode o+x).
     */
    private @Nullable String unreachable() throws IOException {
        if (!isolation.switchUser()) {
            return null;
        }
        for (Path p = workRoot.toAbsolutePath(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return "the shell's working directories are made in " + workRoot + ", which uid " + isolation.uid()
                        + " cannot reach: " + p + " does not let others pass (chmod o+x, or another java.io.tmpdir)";
            }
        }
        return null;
    }

    /** Ends the run and every process it started ({@link ShellEnd}). */
    void end(Process p) throws IOException, InterruptedException {
        ShellEnd.end(p, isolation.namespace(), libc);
    }

    private static void removeTree(Path root) {
        try {
            Tree.delete(root);
        } catch (IOException e) {
            LOG.warn("cannot remove the shell's working directory {}: {}", root, e.getMessage());
        }
    }
}
