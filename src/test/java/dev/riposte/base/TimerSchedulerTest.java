package dev.riposte.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The real scheduler, on its real threads. Each test waits for what a job signals (a latch, a semaphore),
 * never for time to pass; the periods are short so that those signals come quickly.
 */
class TimerSchedulerTest {
    static final Duration SHORT = Duration.ofMillis(5);

    @Test
    void aJobRunsAgainAndAgain_onAThreadNamedAfterIt() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        try (TimerScheduler s = new TimerScheduler()) {
            s.every("sweep", Duration.ZERO, SHORT, () -> {
                threads.add(Thread.currentThread().getName());
                three.countDown();
            });
            assertTrue(three.await(10, TimeUnit.SECONDS));
        }
        assertEquals("riposte-job-sweep", threads.getFirst());
    }

    @Test
    void aJobThatThrows_runsAgainAtItsNextTime() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch again = new CountDownLatch(3);
        try (TimerScheduler s = new TimerScheduler()) {
            s.every("failing", Duration.ZERO, SHORT, () -> {
                runs.incrementAndGet();
                again.countDown();
                if (runs.get() == 1) {
                    throw new IllegalStateException("first run fails");
                }
                throw new OutOfMemoryError("a moment without heap");
            });
            assertTrue(again.await(10, TimeUnit.SECONDS), "ran " + runs.get() + " times");
        }
    }

    @Test
    void aSlowJob_delaysNeitherAnotherJobNorItsOwnNextRunsOverlap() throws Exception {
        Semaphore release = new Semaphore(0);
        AtomicInteger slowRunning = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch quickRan = new CountDownLatch(5);
        try (TimerScheduler s = new TimerScheduler()) {
            s.every("slow", Duration.ZERO, Duration.ofMillis(1), () -> {
                if (slowRunning.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                release.acquireUninterruptibly();
                slowRunning.decrementAndGet();
            });
            s.every("quick", Duration.ZERO, SHORT, quickRan::countDown);
            assertTrue(quickRan.await(10, TimeUnit.SECONDS), "the quick job ran while the slow one was held");
            release.release(3);
        }
        assertEquals(0, overlaps.get(), "a job's runs never overlap");
    }

    @Test
    void aCancelledJob_doesNotRunAgain_andACancelFromInsideItsRunHolds() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch afterward = new CountDownLatch(20);
        try (TimerScheduler s = new TimerScheduler()) {
            Scheduler.Job[] self = new Scheduler.Job[1];
            CountDownLatch scheduled = new CountDownLatch(1);
            self[0] = s.every("once", Duration.ZERO, SHORT, () -> {
                runs.incrementAndGet();
                try {
                    scheduled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                self[0].cancel();
            });
            scheduled.countDown();
            // Another job's twenty runs are the time in which a first job left running would have run again.
            s.every("witness", Duration.ZERO, Duration.ofMillis(1), afterward::countDown);
            assertTrue(afterward.await(10, TimeUnit.SECONDS));
        }
        assertEquals(1, runs.get());
    }

    @Test
    void afterClose_nothingRuns_andScheduling_doesNothing() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        TimerScheduler s = new TimerScheduler();
        s.close();
        s.every("late", Duration.ZERO, SHORT, runs::incrementAndGet);
        // Whatever the executors still do after close, a job scheduled then has nowhere to run.
        try (TimerScheduler witness = new TimerScheduler()) {
            CountDownLatch twenty = new CountDownLatch(20);
            witness.every("witness", Duration.ZERO, Duration.ofMillis(1), twenty::countDown);
            assertTrue(twenty.await(10, TimeUnit.SECONDS));
        }
        assertEquals(0, runs.get());
    }

    @Test
    void aPeriodThatIsNotPositive_isRefusedWithTheJobsName() {
        try (TimerScheduler s = new TimerScheduler()) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> s.every("x", Duration.ZERO, Duration.ZERO, () -> {}));
            assertEquals("x: the period must be positive, got PT0S", e.getMessage());
        }
    }
}
