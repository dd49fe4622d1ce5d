package dev.riposte.effect.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.base.EffectResult;
import dev.riposte.config.RiposteConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file effects against the real kernel: links swapped in while a write, a new directory or a
 * removal runs never lead outside the roots; reads refuse riposte's state under any name and hard links
 * to denied files.
 */
class LocalFilesTest {
    @TempDir
    Path tmp;

    Path evidence;
    Path outside;
    Path denied;
    Path state;
    LocalFiles files;

    @BeforeEach
    void start() throws Exception {
        evidence = tmp.resolve("evidence");
        outside = Files.createDirectories(tmp.resolve("outside"));
        denied = Files.createDirectories(tmp.resolve("denied"));
        state = Files.createDirectories(tmp.resolve("state-real"));
        files = new LocalFiles(
                new RiposteConfig.Evidence(evidence, 1 << 20, Duration.ofDays(1), 1L << 30),
                new RiposteConfig.Files(List.of(), List.of(Path.of("/")), List.of(denied.toString()), 1 << 20),
                List.of(tmp.resolve("state-link/state.db"), tmp.resolve("state-link/state.db-wal")));
        files.prepare();
        Files.createSymbolicLink(tmp.resolve("state-link"), state);
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.count() - 1;
        }
    }

    /** Swaps {@code dir} between a real directory and a link to {@code outside}, as fast as it can, while {@code work} runs. */
    private void racing(Path dir, Runnable work) throws Exception {
        Path real = dir.resolveSibling(dir.getFileName() + ".real");
        Path link = dir.resolveSibling(dir.getFileName() + ".link");
        Files.createDirectories(dir);
        Files.createSymbolicLink(link, outside);
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectory(dir); // a removal took it: start again from a real directory
                    }
                    Files.move(dir, real, StandardCopyOption.ATOMIC_MOVE); // the directory steps aside
                    Files.move(link, dir, StandardCopyOption.ATOMIC_MOVE); // and the link takes its name
                    Thread.onSpinWait();
                    Files.move(dir, link, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(real, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (Exception e) {
                    // a removal came in between: the next round repairs the names
                    try {
                        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                            Files.createSymbolicLink(link, outside);
                        }
                        if (Files.isSymbolicLink(dir)) {
                            Files.delete(dir);
                        }
                        if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)
                                && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                            Files.move(real, dir, StandardCopyOption.ATOMIC_MOVE);
                        }
                    } catch (Exception again) {
                        // next round
                    }
                }
            }
        });
        try {
            work.run();
        } finally {
            stop.set(true);
            swapper.join();
        }
    }

    @Test
    void writesThatRaceALinkSwappedIn_neverLandOutside() throws Exception {
        Path dir = evidence.resolve("case");
        AtomicInteger written = new AtomicInteger();
        racing(dir, () -> {
            for (int i = 0; i < 20000 && (i < 3000 || written.get() < 100); i++) {
                if (files.writeFile(dir + "/f" + i, "x".getBytes(StandardCharsets.UTF_8))
                                .code()
                        == 0) {
                    written.incrementAndGet();
                }
            }
        });
        assertEquals(0, count(outside), "files were written through the link");
        assertTrue(written.get() > 0, "some writes landed in the real directory");
    }

    @Test
    void removalsThatRaceALinkSwappedIn_neverRemoveWhatTheLinkPointsTo() throws Exception {
        Files.writeString(outside.resolve("keep"), "k");
        Path dir = evidence.resolve("gone");
        racing(dir, () -> {
            for (int i = 0; i < 2000; i++) {
                files.createTempDir("x*");
                files.writeFile(dir + "/f", "f".getBytes(StandardCharsets.UTF_8));
                files.removeDir(dir.toString());
            }
        });
        assertTrue(Files.exists(outside.resolve("keep")), "the link's target was emptied");
    }

    @Test
    void tempDirectories_areMadeInsideTheEvidenceDirectory_evenWhenItIsSwappedForALink() throws Exception {
        Path moved = tmp.resolve("evidence.moved");
        Files.move(evidence, moved);
        Files.createSymbolicLink(evidence, outside);
        EffectResult r = files.createTempDir("case-*");
        assertEquals(-1, r.code());
        assertEquals(
                "cannot create a directory in " + evidence + ": \"" + evidence + "\" is a symbolic link; no link may "
                        + "appear in the path",
                r.error());
        assertEquals(0, count(outside));
    }

    @Test
    void theStateDatabase_isRefused_byWhateverNameReachesIt() throws Exception {
        Files.writeString(state.resolve("state.db"), "secret values");
        Files.writeString(state.resolve("state.db-wal"), "secret wal");
        assertEquals(
                "refused: \"" + state + "/state.db\" is riposte's own state (" + tmp + "/state-link/state.db) under "
                        + "another name",
                files.readFile(state + "/state.db").error());
        assertEquals(
                "refused: \"" + state + "/state.db-wal\" is riposte's own state (" + tmp + "/state-link/state.db-wal) "
                        + "under another name",
                files.readFile(state + "/state.db-wal").error());
        assertEquals(
                "refused: \"" + state + "/state.db\" is riposte's own state (" + tmp + "/state-link/state.db) under "
                        + "another name",
                files.readFile(tmp + "/state-link/state.db").error());
        Path hardLink = Files.createLink(tmp.resolve("db-hardlink"), state.resolve("state.db"));
        assertTrue(files.readFile(hardLink.toString()).error().contains("is riposte's own state"));
        assertTrue(files.stat(hardLink.toString()).error().contains("is riposte's own state"));
    }

    @Test
    void aHardLinkToADeniedFile_isRefused_andAnUnrelatedMultiLinkedFileIsRead() throws Exception {
        Files.writeString(denied.resolve("secret"), "s");
        Path link = Files.createLink(tmp.resolve("innocent"), denied.resolve("secret"));
        assertEquals(
                "refused: \"" + link + "\" is a hard link to " + denied.resolve("secret") + ", which files.read_deny "
                        + "refuses",
                files.readFile(link.toString()).error());
        Files.writeString(tmp.resolve("a"), "shared");
        Files.createLink(tmp.resolve("b"), tmp.resolve("a"));
        assertEquals("shared", files.readFile(tmp.resolve("b").toString()).value());
    }

    @Test
    void riposteOwnProcess_isRefused() {
        long pid = ProcessHandle.current().pid();
        assertEquals(
                "refused: \"/proc/self/environ\" (which resolves to /proc/" + pid
                        + "/environ) is riposte's own process",
                files.readFile("/proc/self/environ").error());
        assertEquals(
                "refused: \"/proc/" + pid + "/status\" is riposte's own process",
                files.readFile("/proc/" + pid + "/status").error());
        String thread = tidOfThisThread();
        assertEquals(
                "refused: \"/proc/" + thread + "/cmdline\" is riposte's own process",
                files.readFile("/proc/" + thread + "/cmdline").error());
    }

    private static String tidOfThisThread() {
        try {
            return Path.of("/proc/thread-self").toRealPath().getFileName().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void writeFile_refusesToReplaceAFileWithOtherHardLinks_orAFifo() throws Exception {
        Path target = Files.writeString(outside.resolve("target"), "keep");
        Files.createLink(evidence.resolve("linked"), target);
        assertEquals(
                "refused: \"" + evidence + "/linked\": it has 1 other hard links; replacing its content would change "
                        + "them too",
                files.writeFile(evidence + "/linked", "new".getBytes(StandardCharsets.UTF_8))
                        .error());
        assertEquals("keep", Files.readString(target));
        assertEquals(
                0,
                new ProcessBuilder("mkfifo", evidence.resolve("fifo").toString())
                        .start()
                        .waitFor());
        EffectResult fifo = files.writeFile(evidence + "/fifo", "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(-1, fifo.code());
        assertFalse(fifo.error().isEmpty());
    }
}
