package dev.riposte.bench;

import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.files.DisabledFiles;
import dev.riposte.effect.netpolicy.Enforcer;
import dev.riposte.event.Event;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionLoader;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestNet;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One run of bench/reactions.d/standard.js (the shared benchmark reaction) on sample 01, each in a fresh
 * context, through the real sandbox and helpers (netpolicy dry-run behind the real guard).
 * {@code cold}: the context is built on the run's path. {@code prepared}: built ahead by
 * {@link Sandbox#prepareAhead()} outside the measured call, as the daemon's idle workers do.
 * The log is at WARN so that the figure is the sandbox's, not console output's. Run with bench/jmh.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-DRIPOSTE_LOG_LEVEL=WARN",
            "-Dpolyglot.engine.WarnInterpreterOnly=false",
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow"
        })
public class SandboxRunBenchmark {
    Sandbox sandbox;
    Enforcer net;
    Reaction reaction;
    Event event;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        net = TestNet.dryRun(java.time.Clock.systemUTC());
        sandbox = TestSandboxes.create(new DisabledFiles("off"), net);
        reaction = new ReactionLoader(sandbox, TestSandboxes.shell(Path.of("/tmp")), Duration.ofSeconds(1))
                .load(Path.of("bench/reactions.d/standard.js"));
        event = Samples.event("01");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sandbox.close();
        net.close();
    }

    @Benchmark
    public RunResult cold() {
        return check(sandbox.run(reaction, event));
    }

    @State(Scope.Thread)
    public static class Prepared {
        @Setup(Level.Invocation)
        public void prepare(SandboxRunBenchmark b) {
            b.sandbox.prepareAhead();
        }
    }

    @Benchmark
    public RunResult prepared(Prepared ahead) {
        return check(sandbox.run(reaction, event));
    }

    private static RunResult check(RunResult r) {
        if (!(r.outcome() instanceof Outcome.Ok)) {
            throw new IllegalStateException(r.toString());
        }
        return r;
    }
}
