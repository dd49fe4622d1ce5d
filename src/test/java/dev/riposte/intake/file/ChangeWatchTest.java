package dev.riposte.intake.file;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real inotify on a real directory. */
class ChangeWatchTest {
    @TempDir
    Path dir;

    @Test
    void concerns_theFileAndItsRotatedNames_only() {
        assertTrue(ChangeWatch.concerns("jibril.out", "jibril.out"));
        assertTrue(ChangeWatch.concerns("jibril.out", "jibril.out.1"), "late writes to the renamed file");
        assertTrue(ChangeWatch.concerns("tetragon.log", "tetragon-2026-11-17T09-41-12.000.log"));
        assertFalse(ChangeWatch.concerns("events.ndjson", "state.db-wal"), "a store kept beside the file");
        assertFalse(ChangeWatch.concerns("jibril.out", "syslog"));
        assertFalse(ChangeWatch.concerns("jibril.out", "jibril.out.1.gz"), "compression of an old rotation");
    }

    @Test
    void aWriteToTheFile_endsTheWait() throws Exception {
        Path file = Files.writeString(dir.resolve("jibril.out"), "");
        try (ChangeWatch watch = new ChangeWatch(file, System::nanoTime)) {
            watch.await(Duration.ofMillis(1)); // registers the watch
            Thread writer = Thread.ofPlatform().start(() -> append(file, 200));
            // Broken, the wait would last its whole minute and fail here.
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> watch.await(Duration.ofMinutes(1)));
            writer.join();
        }
    }

    @Test
    void writesToOtherFilesInTheDirectory_doNotEndTheWait() throws Exception {
        Path file = Files.writeString(dir.resolve("events.ndjson"), "");
        Path other = dir.resolve("state.db-wal");
        AtomicBoolean stop = new AtomicBoolean();
        try (ChangeWatch watch = new ChangeWatch(file, System::nanoTime)) {
            watch.await(Duration.ofMillis(1));
            Thread writer = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    append(other, 5);
                }
            });
            long start = System.nanoTime();
            Duration timeout = Duration.ofMillis(400);
            watch.await(timeout);
            long waited = System.nanoTime() - start;
            stop.set(true);
            writer.join();
            assertTrue(
                    waited >= timeout.toNanos(), "woken after " + waited / 1_000_000 + " ms by another file's writes");
        }
    }

    @Test
    void closing_endsAWaitAtOnce() throws Exception {
        Path file = Files.writeString(dir.resolve("jibril.out"), "");
        ChangeWatch watch = new ChangeWatch(file, System::nanoTime);
        watch.await(Duration.ofMillis(1));
        Thread closer = Thread.ofPlatform().start(() -> {
            sleep(200);
            try {
                watch.close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> watch.await(Duration.ofMinutes(1)));
        closer.join();
    }

    private static void append(Path file, long afterMillis) {
        sleep(afterMillis);
        try {
            Files.writeString(file, "{}\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Gives the waiting thread time to be inside the kernel's wait: nothing outside shows a thread blocked in
     * a system call (it stays RUNNABLE), and a change made before the wait began would end it too, at once,
     * testing less. Which is why these few tests, of a wait in the kernel, pass time on purpose.
     */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
