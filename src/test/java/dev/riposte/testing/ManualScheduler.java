package dev.riposte.testing;

import dev.riposte.base.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} whose time moves only when a test calls {@link #advance}: the jobs due on the way run
 * then, in time order, on the test's thread. Nothing runs by itself, so a component's periodic work (a
 * reconcile, a retry) happens exactly where the test says. Like the real one, a job that throws runs again
 * at its next time; what it threw is kept in {@link #failures}. Fake time for tests only.
 */
public final class ManualScheduler implements Scheduler {
    private final List<Entry> jobs = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private Duration now = Duration.ZERO;

    @Override
    public synchronized Job every(String name, Duration first, Duration period, Runnable job) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(name + ": the period must be positive, got " + period);
        }
        Entry e = new Entry(name, period, job, now.plus(first));
        jobs.add(e);
        return e;
    }

    /** Moves time on by {@code d}, running every job that falls due meanwhile, as often as it falls due. */
    public void advance(Duration d) {
        Duration until;
        synchronized (this) {
            until = now.plus(d);
        }
        while (true) {
            Entry next;
            synchronized (this) {
                next = jobs.stream()
                        .filter(e -> e.due.compareTo(until) <= 0)
                        .min(Comparator.comparing(e -> e.due))
                        .orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                now = next.due;
            }
            try {
                next.job.run();
            } catch (RuntimeException | Error e) {
                synchronized (this) {
                    failures.add(e);
                }
            }
            synchronized (this) {
                next.due = now.plus(next.period);
            }
        }
    }

    /** The names of the jobs scheduled and not cancelled, in the order they were scheduled. */
    public synchronized List<String> jobs() {
        return jobs.stream().map(e -> e.name).toList();
    }

    /** What the jobs have thrown, oldest first. */
    public synchronized List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public synchronized void close() {
        jobs.clear();
    }

    private final class Entry implements Job {
        final String name;
        final Duration period;
        final Runnable job;
        Duration due;

        Entry(String name, Duration period, Runnable job, Duration due) {
            this.name = name;
            this.period = period;
            this.job = job;
            this.due = due;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                jobs.remove(this);
            }
        }
    }
}
