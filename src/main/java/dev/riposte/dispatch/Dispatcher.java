package dev.riposte.dispatch;

import dev.riposte.base.LogLimiter;
import dev.riposte.config.RiposteConfig;
import dev.riposte.event.Event;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionIndex;
import dev.riposte.stats.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits events, matches them, and runs their reactions on a fixed pool of workers. At most
 * {@code queue_capacity} events are in the daemon at once (queued or running); beyond that,
 * {@link #submit} answers {@link Admission#FULL} (backpressure) or drops and counts the event.
 * Thread-safe: {@link #submit} may be called from any thread.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** How long {@link #close} waits for the workers once their runs are cancelled. */
    static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final RiposteConfig.Dispatch config;
    private final ReactionRunner runner;
    private final List<RunListener> listeners;
    private final Metrics metrics;
    private final Clock clock;
    private final QueueBudget budget;
    private final Dedup dedup;
    private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private volatile ReactionIndex reactions = new ReactionIndex(List.of());
    private final WorkerPool workers;

    private final LogLimiter dropLog;
    private volatile boolean running = true;

    public Dispatcher(
            RiposteConfig.Dispatch config,
            ReactionRunner runner,
            List<RunListener> listeners,
            Metrics metrics,
            Clock clock) {
        this(config, runner, listeners, metrics, clock, System::nanoTime);
    }

    /** @param ticker as {@link System#nanoTime()}, or a test's */
    Dispatcher(
            RiposteConfig.Dispatch config,
            ReactionRunner runner,
            List<RunListener> listeners,
            Metrics metrics,
            Clock clock,
            LongSupplier ticker) {
        this.dropLog = new LogLimiter(10, ticker);
        this.config = config;
        this.runner = runner;
        this.listeners = List.copyOf(listeners);
        this.metrics = metrics;
        this.clock = clock;
        this.budget = new QueueBudget(config.queueCapacity(), config.queueMaxBytes());
        this.dedup = new Dedup(config.dedupWindow(), ticker);
        this.workers = new WorkerPool(config.workers(), ticker);
    }

    /** Starts the workers. */
    public void start() {
        workers.start(this::work);
    }

    /** Swaps in a new set of reactions; events already matched keep the versions they matched. */
    public void setReactions(ReactionIndex index) {
        reactions = index;
    }

    /** Events admitted and not yet done (queued or running). */
    public int inFlight() {
        return budget.held();
    }

    /** Offers an event. Never blocks. */
    public Admission submit(Event event) {
        return submit(event, Dispatcher::nothing);
    }

    private static void nothing() {}

    /**
     * Offers an event; {@code whenDone} runs once every run it caused has ended (on the worker that ended
     * the last one, or here when none was due), or here when the event is dropped. It does not run when
     * the answer is {@link Admission#FULL}: the event was not taken. Never blocks.
     */
    public Admission submit(Event event, Runnable whenDone) {
        if (!running || !budget.take(event)) {
            if (config.overflow() == RiposteConfig.Overflow.BACKPRESSURE) {
                return Admission.FULL;
            }
            metrics.dropped();
            long held = dropLog.admit();
            if (held >= 0) {
                LOG.warn(
                        "queue full ({} events): dropped event uuid={} name={}{}",
                        config.queueCapacity(),
                        event.uuid(),
                        event.name(),
                        held > 0 ? " (" + held + " more drops not logged)" : "");
            }
            finished(whenDone);
            return Admission.DROPPED;
        }
        List<Task> runs = new ArrayList<>();
        InFlight flight = new InFlight(event, whenDone);
        for (Reaction reaction : reactions.match(event)) {
            if (!reaction.enabled()) {
                skip(reaction, event, "the reaction is disabled (@enabled false)", false);
            } else if (!dedup.claim(reaction.name(), event.uuid())) {
                skip(reaction, event, "uuid already handled within dispatch.dedup_window", true);
            } else {
                runs.add(new Task(reaction, flight));
            }
        }
        if (runs.isEmpty()) {
            done(flight);
        } else {
            flight.remaining.set(runs.size());
            tasks.addAll(runs);
        }
        return Admission.ACCEPTED;
    }

    private void skip(Reaction reaction, Event event, String reason, boolean duplicate) {
        RunResult result = new RunResult(new Outcome.Skipped(reason), List.of(), 0);
        metrics.run(result.outcome().label(), duplicate);
        publish(new RunRecord(clock.instant(), reaction, event, result));
    }

    private void done(InFlight flight) {
        Event event = flight.event();
        // Intake stamps receivedNanos with System.nanoTime(), so the latency is read from the same source.
        metrics.eventDone(System.nanoTime() - event.receivedNanos());
        event.detected()
                .ifPresent(t -> metrics.sinceDetection(
                        Duration.between(t, clock.instant()).toNanos()));
        budget.giveBack(event);
        finished(flight.whenDone);
    }

    private static void finished(Runnable whenDone) {
        try {
            whenDone.run();
        } catch (RuntimeException e) {
            LOG.error("an event's completion callback failed", e);
        }
    }

    /**
     * Why the dispatcher is not making progress, or null when it is: a worker thread has died, or has not
     * come round its loop for longer than {@code limit} (every run has a deadline, so a healthy worker
     * always comes back).
     */
    public @Nullable String stalled(Duration limit) {
        return workers.stalled(limit);
    }

    private void work(int index) {
        try {
            while (running) {
                workers.beat(index);
                try {
                    runner.prepareAhead();
                } catch (OutOfMemoryError e) {
                    // no context ready: the run builds its own
                }
                Task task = tasks.poll(100, TimeUnit.MILLISECONDS);
                if (task == null) {
                    continue;
                }
                Event event = task.flight().event();
                RunResult result;
                try {
                    result = runner.run(task.reaction(), event);
                } catch (RuntimeException e) {
                    LOG.error("internal error while running {}", task.reaction(), e);
                    result = new RunResult(new Outcome.Failed("internal error in riposte (logged)", 0), List.of(), 0);
                } catch (OutOfMemoryError e) {
                    // Another run exhausted the heap for a moment; this run is lost, the worker is not.
                    result = new RunResult(
                            new Outcome.Failed("stopped: the daemon's heap ran out during this run", 0), List.of(), 0);
                }
                metrics.run(result.outcome().label(), false);
                publish(new RunRecord(clock.instant(), task.reaction(), event, result));
                if (task.flight().remaining.decrementAndGet() == 0) {
                    done(task.flight());
                }
                workers.beat(index);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            // Fatal beyond a run (a failure of riposte itself): logged loudly; the watchdog reports the dead worker.
            LOG.error(
                    "worker {} stopped by a fatal error; the daemon is degraded",
                    Thread.currentThread().getName(),
                    e);
            throw e;
        }
    }

    private void publish(RunRecord record) {
        for (RunListener listener : listeners) {
            try {
                listener.onRun(record);
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.error("run listener {} failed", listener, e);
            }
        }
    }

    /**
     * Stops admitting, lets queued runs finish for up to {@code grace}, then stops the workers.
     *
     * @return whether everything admitted was done in time
     */
    public boolean drain(Duration grace) throws InterruptedException {
        // Waiting for other threads: real time, whatever the ticker.
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /**
     * Stops the workers: runs still in progress are cancelled ({@link ReactionRunner#cancelAll}), and the
     * workers are waited for {@link #STOP_WAIT} in all.
     */
    @Override
    public void close() {
        running = false;
        runner.cancelAll();
        workers.join(STOP_WAIT);
    }

    private record Task(Reaction reaction, InFlight flight) {}

    /** An admitted event, how many of its runs have yet to finish, and what to do when none is left. */
    private static final class InFlight {
        private final Event event;
        private final Runnable whenDone;
        private final AtomicInteger remaining = new AtomicInteger();

        InFlight(Event event, Runnable whenDone) {
            this.event = event;
            this.whenDone = whenDone;
        }

        Event event() {
            return event;
        }
    }
}
