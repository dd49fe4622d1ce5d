package dev.riposte.sandbox;

import dev.riposte.dispatch.Outcome;
import dev.riposte.effect.Effects;
import dev.riposte.event.BadEventException;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.helpers.RunLimits;
import dev.riposte.match.HeaderParser;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the JVM up on the event's path (parse, then the sandbox's run) once the daemon is ready, so that the first detections of a quiet
 * host do not run in a cold JIT (200 events at 10/s right after start: p50 3.8 ms, p99 39 ms; after 1,500
 * runs, 1.8 and 7.0 ms; docs/benchmarks.md). One thread runs {@code reactions.warmup_runs} times a built-in reaction that
 * reads a built-in Jibril event as a typical reaction does and calls a network helper, in a sandbox of its
 * own whose effects all refuse: nothing is logged, audited, counted, blocked or written. Real events are
 * handled meanwhile as always; they share the processors with it for the few seconds it lasts.
 */
public final class Warmup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    private final Thread thread;
    private volatile boolean stopping;
    private final AtomicInteger ran = new AtomicInteger();
    private final AtomicInteger notOk = new AtomicInteger();

    private Warmup(Duration timeout, long maxAllocBytes, RunLimits limits, int runs) {
        thread = Thread.ofPlatform()
                .name("riposte-warmup")
                .daemon()
                .unstarted(() -> run(timeout, maxAllocBytes, limits, runs));
        // It shares the processors with real events for a few seconds: theirs come first where the scheduler
        // honours priorities, which is all that is asked of it (nothing depends on it).
        setLowPriority(thread);
    }

    /** Starts {@code runs} warm-up runs with the daemon's run limits. */
    @SuppressWarnings("ThreadPriorityCheck")
    private static void setLowPriority(Thread thread) {
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    public static Warmup start(Duration timeout, long maxAllocBytes, RunLimits limits, int runs) {
        Warmup w = new Warmup(timeout, maxAllocBytes, limits, runs);
        w.thread.start();
        return w;
    }

    private void run(Duration timeout, long maxAllocBytes, RunLimits limits, int runs) {
        long start = System.nanoTime();
        try (Sandbox sandbox = Sandbox.withEffects(
                Effects.refusing("riposte's warm-up: effects are refused"), timeout, maxAllocBytes, limits)) {
            String text = resource("warmup.js");
            Reaction reaction = new Reaction(
                    "riposte-warmup",
                    Path.of("warmup.js"),
                    HeaderParser.parse(text, "//"),
                    "",
                    sandbox.validate("warmup.js", text),
                    timeout);
            String eventText = resource("warmup-event.json");
            EventParser parser = new EventParser();
            for (int i = 0; i < runs && !stopping; i++) {
                // Parsed at every run, as every detection is: the JSON reader is the path's other hot part.
                Event event = parser.parse(eventText, System.nanoTime());
                if (!(sandbox.run(reaction, event).outcome() instanceof Outcome.Ok)) {
                    notOk.incrementAndGet();
                }
                ran.incrementAndGet();
            }
        } catch (ReactionException | BadEventException | RuntimeException e) {
            LOG.warn("warm-up stopped: {}", e.toString());
            return;
        }
        LOG.debug(
                "warm-up: {} runs in {} ms, {} not ok",
                ran.get(),
                (System.nanoTime() - start) / 1_000_000,
                notOk.get());
    }

    private static String resource(String name) {
        try (InputStream in = Warmup.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many runs were made, and how many of them did not end ok. */
    record Progress(int runs, int notOk) {}

    /** Waits until it has finished (or {@code timeout} has passed). */
    Progress await(Duration timeout) throws InterruptedException {
        thread.join(timeout);
        return new Progress(ran.get(), notOk.get());
    }

    /** Whether its thread is still running. */
    boolean running() {
        return thread.isAlive();
    }

    /** Stops after the run in progress (waits up to 10 s for it). */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
