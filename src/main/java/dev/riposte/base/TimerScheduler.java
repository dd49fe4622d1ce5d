package dev.riposte.base;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Scheduler} of a running daemon. One timer thread ({@code riposte-timer}) only keeps time; each
 * run is handed to a pool of platform threads ({@code riposte-job-NAME} while it runs), so that a slow job
 * (a sweep of a large evidence directory, a domain that takes seconds to resolve) delays neither the others
 * nor the watchdog's ping. Idle pool threads end after a minute. Thread-safe.
 */
public final class TimerScheduler implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(TimerScheduler.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("riposte-timer").daemon().factory());
    private final ExecutorService runners = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("riposte-job").daemon().factory());

    @Override
    public Job every(String name, Duration first, Duration period, Runnable job) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(name + ": the period must be positive, got " + period);
        }
        Repeating r = new Repeating(name, period, job);
        r.after(first);
        return r;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        runners.shutdown();
    }

    private final class Repeating implements Job {
        private final String name;
        private final Duration period;
        private final Runnable job;
        private final LogLimiter failures = new LogLimiter(1, System::nanoTime);
        private boolean cancelled;
        private @Nullable Future<?> next;

        Repeating(String name, Duration period, Runnable job) {
            this.name = name;
            this.period = period;
            this.job = job;
        }

        void after(Duration delay) {
            try {
                synchronized (this) {
                    if (!cancelled) {
                        next = timer.schedule(
                                () -> runners.execute(this::run), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                    }
                }
            } catch (RejectedExecutionException e) {
                // the scheduler is closed: nothing runs again
            }
        }

        private void run() {
            Thread self = Thread.currentThread();
            String poolName = self.getName();
            self.setName("riposte-job-" + name);
            try {
                job.run();
            } catch (RuntimeException | Error e) {
                long held = failures.admit();
                if (held >= 0) {
                    LOG.warn(
                            "{}: failed ({}); it runs again in {}{}",
                            name,
                            e.toString(),
                            Durations.format(period),
                            held > 0 ? " (" + held + " more failures not logged)" : "");
                }
            } finally {
                self.setName(poolName);
            }
            after(period);
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            if (next != null) {
                next.cancel(false);
            }
        }
    }
}
