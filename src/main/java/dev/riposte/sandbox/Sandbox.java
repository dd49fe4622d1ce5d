package dev.riposte.sandbox;

import dev.riposte.base.Text;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.ReactionRunner;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.Effects;
import dev.riposte.event.Event;
import dev.riposte.helpers.Helpers;
import dev.riposte.helpers.RunLimits;
import dev.riposte.helpers.RunScope;
import dev.riposte.match.Code;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionException;
import dev.riposte.match.ScriptValidator;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where reaction code runs. A shared {@link Engine} caches each reaction's parsed
 * source; each run gets a fresh {@link Context}, used once and closed. Contexts are built and
 * initialised ahead of need on the worker that will use them ({@link #prepareAhead()}), which takes
 * the JS realm's set-up off the event's path. Thread-safe; each worker thread keeps its own prepared
 * context.
 *
 * <p>The engine caps single allocations before they happen ({@link AllocationLimits}); those options
 * exist only under the {@code TRUSTED} sandbox policy, so the lockdown that {@code CONSTRAINED} would
 * check is spelled out in {@link #lockdown} instead (a test holds it to {@code CONSTRAINED}'s rules).
 *
 * <p>It is long on purpose: the engine, a run's context and its lockdown are one class, so that what a
 * reaction can reach is audited in one sitting (docs/architecture.md).
 */
public final class Sandbox implements ReactionRunner, ScriptValidator, AutoCloseable {
    /** A run's outcome when it allocated more than its budget. */
    private static final String OVER_BUDGET = "stopped: the run allocated more than reactions.max_alloc_bytes";

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /** How long closing waits for the engine to let go of runs it cancelled. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** Host access that allows nothing, not even the default mutable mappings (CONSTRAINED forbids them). */
    private static final HostAccess NO_HOST_ACCESS =
            HostAccess.newBuilder().allowMutableTargetMappings().build();
    /**
     * Guards the built-ins that allocate more than their input in one uninterruptible step: JSON.parse
     * of a text with too many members, and fill on a long array (a sparse one is filled in one allocation).
     * The guards keep the built-ins' names and lengths. Also removes the engine's non-standard
     * {@code arguments} global.
     */
    private static final Source GUARDS_SOURCE = Source.create("js", """
            (function (tooManyMembers, maxMembers, maxFill) {
              delete globalThis.arguments;
              const parse = JSON.parse;
              const guardedParse = { parse(text, reviver) {
                const s = String(text);
                if (s.length > maxMembers * 5 && tooManyMembers(s)) {
                  throw new RangeError("JSON.parse: the text has more than " + maxMembers
                      + " members; parsing it would exceed this run's memory budget (reactions.max_alloc_bytes)");
                }
                return reviver === undefined ? parse(s) : parse(s, reviver);
              } }.parse;
              Object.defineProperty(JSON, 'parse', { value: guardedParse, writable: true, configurable: true });
              const fill = Array.prototype.fill;
              const guardedFill = { fill(value, ...range) {
                if (Array.isArray(this) && this.length > maxFill) {
                  throw new RangeError("Array.prototype.fill: the array has " + this.length + " elements; at most "
                      + maxFill + " can be filled within this run's memory budget (reactions.max_alloc_bytes)");
                }
                return fill.call(this, value, ...range);
              } }.fill;
              Object.defineProperty(Array.prototype, 'fill', { value: guardedFill, writable: true, configurable: true });
            })""");

    private final Engine engine;
    private final Helpers helpers;
    private final Helpers checkingHelpers;
    private final Duration checkTimeout;
    private final AllocationLimits limits;
    private final RunWatchdog watchdog;
    // One per sandbox and worker: a sandbox replaced on reload takes its prepared contexts with it.
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<Prepared> prepared = new ThreadLocal<>();

    private final Set<Prepared> unused = ConcurrentHashMap.newKeySet();

    /**
     * @param helpers the helpers runs get
     * @param checkingHelpers the helpers a script sees while it is checked at load (effects refused)
     * @param checkTimeout how long a script's top level may run while it is checked
     * @param maxAllocBytes the allocation budget of one run
     */
    private Sandbox(Helpers helpers, Helpers checkingHelpers, Duration checkTimeout, long maxAllocBytes) {
        this.helpers = helpers;
        this.checkingHelpers = checkingHelpers;
        this.checkTimeout = checkTimeout;
        this.limits = AllocationLimits.forBudget(maxAllocBytes);
        this.engine = Engine.newBuilder("js")
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .allowExperimentalOptions(true)
                .option("engine.WarnInterpreterOnly", "false")
                .option("js.string-length-limit", Integer.toString(limits.stringLength()))
                .option("js.max-typed-array-length", Integer.toString(limits.typedArrayLength()))
                .option("js.max-apply-argument-length", Integer.toString(AllocationLimits.APPLY_ARGUMENTS))
                .build();
        this.watchdog = new RunWatchdog(maxAllocBytes);
    }

    /**
     * A sandbox whose runs get {@code effects} within {@code limits}, and whose file checks get helpers
     * that refuse every effect.
     *
     * @param defaultTimeout bounds a file's top level while it is checked
     */
    public static Sandbox withEffects(Effects effects, Duration defaultTimeout, long maxAllocBytes, RunLimits limits) {
        return new Sandbox(
                new Helpers(effects, limits),
                new Helpers(
                        Effects.refusing("effects are refused while a reaction file is checked"), RunLimits.defaults()),
                defaultTimeout,
                maxAllocBytes);
    }

    /** The same with the default run limits (for checks and tests that do not exercise them). */
    public static Sandbox withEffects(Effects effects, Duration defaultTimeout, long maxAllocBytes) {
        return withEffects(effects, defaultTimeout, maxAllocBytes, RunLimits.defaults());
    }

    /** A new context with the lockdown spelled out in one place. */
    private Context newContext() {
        return lockdown(Context.newBuilder("js").engine(engine)).build();
    }

    /**
     * Everything a reaction's context is denied: host access and class lookup, I/O, polyglot access,
     * threads, processes, native access, the environment, experimental options; its output is discarded;
     * the engine's own globals ({@code print}, {@code load}, {@code Graal}, {@code console}) are off.
     */
    static Context.Builder lockdown(Context.Builder builder) {
        return builder.allowHostAccess(NO_HOST_ACCESS)
                .allowIO(IOAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowExperimentalOptions(false)
                .out(OutputStream.nullOutputStream())
                .err(OutputStream.nullOutputStream())
                .option("js.print", "false")
                .option("js.load", "false")
                .option("js.graal-builtin", "false")
                .option("js.console", "false");
    }

    private Prepared prepare(Helpers with) {
        Context context = newContext();
        try {
            Value bindings = context.getBindings("js");
            Value jsonParse = bindings.getMember("JSON").getMember("parse");
            RunScope scope = with.newScope();
            with.install(bindings, scope, jsonParse);
            context.eval(GUARDS_SOURCE)
                    .execute(
                            (ProxyExecutable) args -> limits.tooManyMembers(args[0].asString()),
                            limits.jsonMembers(),
                            limits.arrayFillLength());
            return new Prepared(context, bindings, jsonParse, scope);
        } catch (RuntimeException e) {
            context.close(true);
            throw e;
        }
    }

    @Override
    public void prepareAhead() {
        if (prepared.get() == null) {
            Prepared p = prepare(helpers);
            prepared.set(p);
            unused.add(p);
        }
    }

    private Prepared take() {
        Prepared p = prepared.get();
        if (p == null) {
            return prepare(helpers);
        }
        prepared.remove();
        unused.remove(p);
        return p;
    }

    @Override
    public RunResult run(Reaction reaction, Event event) {
        long start = System.nanoTime();
        Prepared p = take();
        p.scope().begin(reaction.name(), event, start + reaction.timeout().toNanos());
        RunWatchdog.Watch watch = watchdog.start(p.context(), reaction.timeout());
        Outcome outcome;
        try {
            if (limits.tooManyMembers(event.json())) {
                throw new EventTooLarge();
            }
            Value bindings = p.bindings();
            bindings.putMember("kind", event.kind());
            bindings.putMember("name", event.name());
            bindings.putMember("uuid", event.uuid());
            Value data = p.jsonParse().execute(event.json());
            bindings.putMember("data", data);
            p.context().eval(((Code.Js) reaction.code()).source());
            Value process = bindings.getMember("process");
            if (process == null || !process.canExecute()) {
                outcome = new Outcome.Failed("process is not a function", 0);
            } else {
                outcome = settled(process.execute(data));
                // Measured before the context is closed (closing allocates too, on this thread).
                if (outcome instanceof Outcome.Ok && watchdog.overBudget(watch)) {
                    outcome = new Outcome.Failed(
                            OVER_BUDGET + " (it ended before it could be stopped: what it did " + "stands)", 0);
                }
            }
        } catch (PolyglotException e) {
            outcome = outcome(e, watch, reaction);
        } catch (IllegalStateException e) {
            // The watchdog closed the context between two host-side steps.
            outcome = watch.stopped() != null ? stopped(watch, reaction) : internal(e, reaction);
        } catch (EventTooLarge e) {
            outcome = new Outcome.Failed(
                    "the event has more than " + limits.jsonMembers() + " JSON members; parsing it "
                            + "would exceed the run's memory budget (reactions.max_alloc_bytes)",
                    0);
        } finally {
            watchdog.finish(watch);
            close(p.context(), watch);
            p.scope().finish();
        }
        return new RunResult(outcome, p.scope().calls(), System.nanoTime() - start);
    }

    /**
     * A plain return is ok. An async {@code process} returns a promise: the engine runs its jobs when
     * the host call returns (nothing else can resolve it: there are no timers or I/O), so by then it is
     * settled, and a rejection is an error like a throw.
     */
    private static Outcome settled(Value returned) {
        if (returned == null || returned.isNull() || !returned.canInvokeMember("then")) {
            return new Outcome.Ok();
        }
        Value[] rejection = new Value[1];
        boolean[] fulfilled = new boolean[1];
        returned.invokeMember("then", (ProxyExecutable) args -> fulfilled[0] = true, (ProxyExecutable)
                args -> rejection[0] = args.length > 0 ? args[0] : null);
        if (fulfilled[0]) {
            return new Outcome.Ok();
        }
        if (rejection[0] != null) {
            Value reason = rejection[0];
            return new Outcome.Failed(
                    reason.canInvokeMember("toString")
                            ? reason.invokeMember("toString").asString()
                            : reason.toString(),
                    0);
        }
        return new Outcome.Failed("process returned a promise that never settled", 0);
    }

    /** A plain close for a run that ended by itself; a cancelling one when the watchdog may be closing it too. */
    private static void close(Context context, RunWatchdog.Watch watch) {
        if (watch.stopped() != null) {
            context.close(true);
            return;
        }
        try {
            context.close();
        } catch (IllegalStateException | PolyglotException e) {
            context.close(true); // the watchdog cancelled it between the check and the close
        }
    }

    private Outcome outcome(PolyglotException e, RunWatchdog.Watch watch, Reaction reaction) {
        if (e.isCancelled() || watch.stopped() != null) {
            return stopped(watch, reaction);
        }
        if (e.isResourceExhausted()) {
            return new Outcome.Failed(
                    "stopped: the daemon's heap ran out during this run (it allocated faster than "
                            + "reactions.max_alloc_bytes could stop it)",
                    0);
        }
        if (e.isHostException() || e.isInternalError()) {
            return internal(e, reaction);
        }
        return new Outcome.Failed(
                limits.explain(Text.message(e)), line(e, reaction.file().toString()));
    }

    private Outcome stopped(RunWatchdog.Watch watch, Reaction reaction) {
        if (watch.stopped() == RunWatchdog.Stop.MEMORY) {
            return new Outcome.Failed(OVER_BUDGET, 0);
        }
        if (watch.stopped() == RunWatchdog.Stop.SHUTDOWN) {
            return new Outcome.Failed("stopped: riposte is shutting down", 0);
        }
        if (watch.stopped() == RunWatchdog.Stop.HEAP) {
            return new Outcome.Failed(
                    "stopped: the daemon's heap was nearly full and this run had allocated the most", 0);
        }
        return new Outcome.TimedOut(reaction.timeout());
    }

    /** A failure of riposte's own code: logged with its stack trace; the run's outcome names no host class. */
    private static Outcome internal(Exception e, Reaction reaction) {
        LOG.error("internal error while running reaction {}", reaction, e);
        return new Outcome.Failed("internal error in riposte (logged)", 0);
    }

    /** The line in {@code fileName} that the error points at, or 0. */
    private static int line(PolyglotException e, String fileName) {
        for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
            if (frame.isGuestFrame()
                    && frame.getSourceLocation() != null
                    && frame.getSourceLocation().getSource().getName().equals(fileName)) {
                return frame.getSourceLocation().getStartLine();
            }
        }
        return e.getSourceLocation() != null ? e.getSourceLocation().getStartLine() : 0;
    }

    /**
     * Parses the script and runs its top level once in a context whose helpers refuse every effect,
     * within the check timeout, then requires a {@code process} function.
     */
    @Override
    public Code.Js validate(String fileName, String text) throws ReactionException {
        Source source = Source.newBuilder("js", text, fileName).cached(true).buildLiteral();
        Prepared p = prepare(checkingHelpers);
        p.scope().begin(fileName, null, System.nanoTime() + checkTimeout.toNanos());
        RunWatchdog.Watch watch = watchdog.start(p.context(), checkTimeout);
        try {
            p.context().parse(source);
            Value bindings = p.bindings();
            bindings.putMember("kind", "");
            bindings.putMember("name", "");
            bindings.putMember("uuid", "");
            bindings.putMember("data", p.jsonParse().execute("{}"));
            String topLevelError = null;
            int topLevelLine = 1;
            try {
                p.context().eval(source);
            } catch (PolyglotException e) {
                if (e.isSyntaxError() || e.isCancelled() || watch.stopped() != null) {
                    throw e;
                }
                topLevelError = limits.explain(Text.message(e));
                topLevelLine = Math.max(1, line(e, fileName));
            }
            Value process = bindings.getMember("process");
            if (process == null || !process.canExecute()) {
                throw new ReactionException(
                        topLevelLine,
                        topLevelError != null
                                ? "the top-level code failed before process was defined: " + topLevelError
                                : "no process function; a reaction defines function process(data) { ... }");
            }
            if (topLevelError != null) {
                LOG.warn(
                        "{}:{}: the top-level code failed while the file was checked (kept, process exists): {}",
                        fileName,
                        topLevelLine,
                        topLevelError);
            }
            return new Code.Js(source);
        } catch (PolyglotException e) {
            if (e.isCancelled() || watch.stopped() != null) {
                throw new ReactionException(
                        1,
                        watch.stopped() == RunWatchdog.Stop.DEADLINE
                                ? "the top-level code did not finish within " + checkTimeout.toMillis()
                                        + " ms while the file was checked"
                                : "the top-level code allocated more than reactions.max_alloc_bytes while the file was checked");
            }
            if (e.isResourceExhausted()) {
                throw new ReactionException(1, "the top-level code exhausted the heap while the file was checked");
            }
            if (e.isSyntaxError()) {
                throw new ReactionException(Math.max(1, line(e, fileName)), "syntax error: " + e.getMessage());
            }
            throw new ReactionException(Math.max(1, line(e, fileName)), limits.explain(Text.message(e)));
        } finally {
            watchdog.finish(watch);
            p.context().close(true);
        }
    }

    @Override
    public void cancelAll() {
        watchdog.cancelAll();
    }

    /**
     * Closes the engine, cancelling whatever still runs in it. A run stuck where cancellation cannot reach
     * (a built-in that does not poll for it) would hold the close: it is waited for {@link #CLOSE_WAIT} at
     * most, and left to the JVM's exit.
     */
    @Override
    public void close() {
        watchdog.close();
        for (Prepared p : unused) {
            p.context().close(true);
        }
        unused.clear();
        Thread closing =
                Thread.ofPlatform().daemon().name("riposte-engine-close").start(() -> engine.close(true));
        try {
            if (!closing.join(CLOSE_WAIT)) {
                LOG.warn(
                        "the JavaScript engine did not close within {} ms: a run is stuck where it cannot be "
                                + "cancelled; leaving it to the exit",
                        CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An event whose JSON would create more members than a run can afford (see {@link AllocationLimits}). */
    private static final class EventTooLarge extends Exception {
        EventTooLarge() {
            super(null, null, false, false);
        }
    }

    /** A context built and initialised ahead of its one run. */
    private record Prepared(Context context, Value bindings, Value jsonParse, RunScope scope) {}
}
