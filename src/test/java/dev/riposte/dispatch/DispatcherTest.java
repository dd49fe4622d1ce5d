package dev.riposte.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.config.RiposteConfig;
import dev.riposte.event.Event;
import dev.riposte.match.HeaderParser;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionIndex;
import dev.riposte.stats.Metrics;
import dev.riposte.testing.Await;
import dev.riposte.testing.Samples;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.graalvm.polyglot.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher with a test double for the sandbox ({@link LatchRunner}): it lets a test hold runs open
 * and see which ran, which the real sandbox cannot show without timing. The sandbox itself is tested
 * for real in SandboxTest and the functional tests.
 */
class DispatcherTest {
    final Metrics metrics = new Metrics();
    /** The dispatcher's ticker: still unless a test moves it. */
    final AtomicLong ticks = new AtomicLong();

    final ConcurrentLinkedQueue<RunRecord> records = new ConcurrentLinkedQueue<>();
    Dispatcher dispatcher;

    /** Test double: every run waits for {@code gate}, counts itself down on {@code started}, and is ok. */
    static final class LatchRunner implements ReactionRunner {
        final CountDownLatch started;
        final CountDownLatch gate;

        LatchRunner(int runs, CountDownLatch gate) {
            this.started = new CountDownLatch(runs);
            this.gate = gate;
        }

        @Override
        public RunResult run(Reaction reaction, Event event) {
            started.countDown();
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    return new RunResult(new Outcome.Failed("gate never opened", 0), List.of(), 0);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new RunResult(new Outcome.Ok(), List.of(), 1000);
        }
    }

    static Reaction reaction(String name, String header) throws Exception {
        return new Reaction(
                name,
                Path.of(name + ".js"),
                HeaderParser.parse(header),
                "h",
                new dev.riposte.match.Code.Js(Source.create("js", "function process(d) {}")),
                Duration.ofSeconds(1));
    }

    Dispatcher start(
            int capacity, RiposteConfig.Overflow overflow, int workers, ReactionRunner runner, Reaction... reactions) {
        return start(capacity, 64L << 20, overflow, workers, runner, reactions);
    }

    Dispatcher start(
            int capacity,
            long maxBytes,
            RiposteConfig.Overflow overflow,
            int workers,
            ReactionRunner runner,
            Reaction... reactions) {
        dispatcher = new Dispatcher(
                new RiposteConfig.Dispatch(capacity, maxBytes, overflow, workers, Duration.ofSeconds(60)),
                runner,
                List.of(records::add),
                metrics,
                Clock.systemUTC(),
                ticks::get);
        dispatcher.setReactions(new ReactionIndex(List.of(reactions)));
        dispatcher.start();
        return dispatcher;
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }

    void awaitDone(long events) throws InterruptedException {
        Await.poll(1000, 10, () -> metrics.snapshot().eventsDone() >= events);
        assertEquals(events, metrics.snapshot().eventsDone());
    }

    @Test
    void anEventsReactions_runInParallel() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        LatchRunner runner = new LatchRunner(2, gate);
        start(
                10,
                RiposteConfig.Overflow.BACKPRESSURE,
                2,
                runner,
                reaction("a", "// @on *\n"),
                reaction("b", "// @on *\n"));
        assertEquals(Admission.ACCEPTED, dispatcher.submit(Samples.event("01")));
        assertTrue(runner.started.await(10, TimeUnit.SECONDS), "both runs started while neither had finished");
        gate.countDown();
        awaitDone(1);
        assertEquals(2, metrics.snapshot().runsOk());
    }

    @Test
    void sameUuidAgain_isSkippedPerReaction_andCounted() throws Exception {
        CountDownLatch open = new CountDownLatch(0);
        start(10, RiposteConfig.Overflow.BACKPRESSURE, 1, new LatchRunner(0, open), reaction("a", "// @on *\n"));
        dispatcher.submit(Samples.event("01"));
        dispatcher.submit(Samples.event("01"));
        dispatcher.submit(Samples.event("02"));
        awaitDone(3);
        Metrics.Snapshot s = metrics.snapshot();
        assertEquals(2, s.runsOk());
        assertEquals(1, s.runsSkipped());
        assertEquals(1, s.deduplicated());
        assertEquals(
                new Outcome.Skipped("uuid already handled within dispatch.dedup_window"),
                records.stream()
                        .filter(r -> r.result().outcome() instanceof Outcome.Skipped)
                        .findFirst()
                        .orElseThrow()
                        .result()
                        .outcome());
    }

    @Test
    void disabledReaction_isSkipped_notRun() throws Exception {
        start(
                10,
                RiposteConfig.Overflow.BACKPRESSURE,
                1,
                new LatchRunner(0, new CountDownLatch(0)),
                reaction("off", "// @on *\n// @enabled false\n"));
        dispatcher.submit(Samples.event("01"));
        awaitDone(1);
        assertEquals(
                List.of("skipped"),
                records.stream().map(r -> r.result().outcome().label()).toList());
        assertEquals(0, metrics.snapshot().deduplicated());
    }

    @Test
    void eventWithoutMatchingReactions_isDoneAtOnce() throws Exception {
        start(
                10,
                RiposteConfig.Overflow.BACKPRESSURE,
                1,
                new LatchRunner(0, new CountDownLatch(0)),
                reaction("miners", "// @on name=crypto_miner_execution\n"));
        dispatcher.submit(Samples.event("02"));
        awaitDone(1);
        assertEquals(0, records.size());
    }

    @Test
    void fullQueue_answersFull_underBackpressure_andAcceptsAgainWhenRunsFinish() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        start(2, RiposteConfig.Overflow.BACKPRESSURE, 1, new LatchRunner(0, gate), reaction("a", "// @on *\n"));
        assertEquals(Admission.ACCEPTED, dispatcher.submit(Samples.event("01")));
        assertEquals(Admission.ACCEPTED, dispatcher.submit(Samples.event("02")));
        assertEquals(Admission.FULL, dispatcher.submit(Samples.event("03")));
        assertEquals(2, dispatcher.inFlight());
        gate.countDown();
        awaitDone(2);
        assertEquals(Admission.ACCEPTED, dispatcher.submit(Samples.event("03")));
        awaitDone(3);
        assertEquals(0, metrics.snapshot().dropped());
    }

    @Test
    void byteBudget_boundsTheQueue_evenWithFreeSlots() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Event first = Samples.event("01");
        start(
                100,
                first.json().length() + 100,
                RiposteConfig.Overflow.BACKPRESSURE,
                1,
                new LatchRunner(0, gate),
                reaction("a", "// @on *\n"));
        assertEquals(Admission.ACCEPTED, dispatcher.submit(first));
        assertEquals(Admission.FULL, dispatcher.submit(Samples.event("02")));
        gate.countDown();
        awaitDone(1);
        assertEquals(Admission.ACCEPTED, dispatcher.submit(Samples.event("02")));
        awaitDone(2);
    }

    @Test
    void fullQueue_dropsAndCounts_underDrop() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        start(1, RiposteConfig.Overflow.DROP, 1, new LatchRunner(0, gate), reaction("a", "// @on *\n"));
        assertEquals(Admission.ACCEPTED, dispatcher.submit(Samples.event("01")));
        assertEquals(Admission.DROPPED, dispatcher.submit(Samples.event("02")));
        assertEquals(Admission.DROPPED, dispatcher.submit(Samples.event("03")));
        gate.countDown();
        awaitDone(1);
        assertEquals(2, metrics.snapshot().dropped());
    }

    @Test
    void latency_isRecordedPerEvent() throws Exception {
        start(
                10,
                RiposteConfig.Overflow.BACKPRESSURE,
                1,
                new LatchRunner(0, new CountDownLatch(0)),
                reaction("a", "// @on *\n"));
        dispatcher.submit(Samples.event("01"));
        awaitDone(1);
        assertEquals(1, metrics.snapshot().latencyMicros().count());
        metrics.resetLatency();
        assertEquals(0, metrics.snapshot().latencyMicros().count());
    }

    @Test
    void dedup_forgetsAfterTheWindow() {
        long[] now = {0};
        Dedup dedup = new Dedup(Duration.ofSeconds(60), () -> now[0]);
        assertTrue(dedup.claim("a", "u"));
        assertTrue(!dedup.claim("a", "u"));
        assertTrue(dedup.claim("b", "u"), "per reaction");
        assertTrue(dedup.claim("a", ""), "no uuid, no dedup");
        assertTrue(dedup.claim("a", ""));
        now[0] = Duration.ofSeconds(59).toNanos();
        assertTrue(!dedup.claim("a", "u"), "still within the window");
        now[0] = Duration.ofSeconds(61).toNanos();
        assertTrue(dedup.claim("a", "u"));
        assertTrue(!dedup.claim("a", "u"), "remembered again for a new window");
        assertEquals(1, dedup.size(), "the expired pairs of b are gone");
    }

    @Test
    void dedup_withAWindowOfZero_remembersNothing() {
        Dedup dedup = new Dedup(Duration.ZERO, () -> 0);
        assertTrue(dedup.claim("a", "u"));
        assertTrue(dedup.claim("a", "u"));
        assertEquals(0, dedup.size());
    }

    @Test
    void dedup_tellsUuidsApart_inCanonicalAndOtherForms() {
        Dedup dedup = new Dedup(Duration.ofSeconds(60), () -> 0);
        assertTrue(dedup.claim("a", "fc76e4b9-eefa-45a7-adb7-9e86509665e4"));
        assertTrue(!dedup.claim("a", "fc76e4b9-eefa-45a7-adb7-9e86509665e4"));
        assertTrue(dedup.claim("a", "FC76E4B9-EEFA-45A7-ADB7-9E86509665E4"), "another string is another uuid");
        assertTrue(dedup.claim("a", "fc76e4b9-eefa-45a7-adb7-9e86509665e5"));
        assertTrue(dedup.claim("a", "1-2-3-4-5"));
        assertTrue(!dedup.claim("a", "1-2-3-4-5"));
        assertEquals(4, dedup.size());
    }

    @Test
    void aWorkerHeldInOneRun_isReportedStalled_untilTheRunEnds() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        LatchRunner runner = new LatchRunner(1, gate);
        start(10, RiposteConfig.Overflow.BACKPRESSURE, 1, runner, reaction("a", "// @on *\n"));
        assertEquals(null, dispatcher.stalled(java.time.Duration.ofSeconds(5)), "idle workers come round every 100 ms");
        dispatcher.submit(Samples.event("01"));
        assertTrue(runner.started.await(10, TimeUnit.SECONDS));
        ticks.addAndGet(Duration.ofSeconds(3).toNanos());
        assertEquals("worker 0 has been busy with one run for 3 s", dispatcher.stalled(Duration.ofSeconds(2)));
        assertEquals(null, dispatcher.stalled(Duration.ofSeconds(4)), "not beyond a longer limit");
        gate.countDown();
        awaitDone(1);
        Await.until(
                "the worker came round its loop after the run",
                1000,
                10,
                () -> dispatcher.stalled(Duration.ofSeconds(2)) == null);
    }

    @Test
    void aRunInFlight_finishesWithTheVersionItStartedWith_andTheNextEventGetsTheNewOne() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        LatchRunner runner = new LatchRunner(1, gate);
        Reaction v1 = reaction("a", "// @on *\n");
        Reaction v2 = new Reaction("a", v1.file(), v1.header(), "h2", v1.code(), v1.timeout());
        start(10, RiposteConfig.Overflow.BACKPRESSURE, 1, runner, v1);
        dispatcher.submit(Samples.event("01"));
        assertTrue(runner.started.await(10, TimeUnit.SECONDS));
        dispatcher.setReactions(new ReactionIndex(List.of(v2)));
        gate.countDown();
        awaitDone(1);
        dispatcher.submit(Samples.event("02"));
        awaitDone(2);
        assertEquals(
                List.of("h", "h2"),
                records.stream().map(r -> r.reaction().hash()).toList());
    }
}
