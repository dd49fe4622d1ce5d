package dev.riposte.effect.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention by age, then by total size, oldest first, on real directories. */
class EvidenceRetentionTest {
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    @TempDir
    Path dir;

    private Path entry(String name, int bytes, Duration age) throws Exception {
        Path d = Files.createDirectory(dir.resolve(name));
        Files.write(d.resolve("data"), new byte[bytes]);
        Files.setLastModifiedTime(d, FileTime.from(NOW.minus(age)));
        return d;
    }

    private List<String> left() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void expiredEntries_areRemoved_youngerOnesKept() throws Exception {
        entry("old", 10, Duration.ofDays(8));
        entry("young", 10, Duration.ofDays(6));
        Files.writeString(dir.resolve("loose-file"), "x");
        Files.setLastModifiedTime(dir.resolve("loose-file"), FileTime.from(NOW.minus(Duration.ofDays(30))));
        var sweep = new EvidenceRetention(dir, Duration.ofDays(7), 1 << 20).sweep(NOW);
        assertEquals(new EvidenceRetention.Sweep(2, 11, 10), sweep);
        assertEquals(List.of("young"), left());
    }

    @Test
    void overTheByteLimit_theOldestGoFirst_untilItFits() throws Exception {
        entry("a-oldest", 400, Duration.ofHours(3));
        entry("b-middle", 400, Duration.ofHours(2));
        entry("c-newest", 400, Duration.ofHours(1));
        var sweep = new EvidenceRetention(dir, Duration.ofDays(7), 800).sweep(NOW);
        assertEquals(new EvidenceRetention.Sweep(1, 400, 800), sweep);
        assertEquals(List.of("b-middle", "c-newest"), left());
    }

    @Test
    void aLinkInTheEvidenceDirectory_isRemovedWithoutTouchingItsTarget() throws Exception {
        Path outside = Files.createTempDirectory("riposte-retention-target");
        try {
            Files.writeString(outside.resolve("precious"), "p");
            Path link = Files.createSymbolicLink(dir.resolve("link"), outside);
            // Java sets the time of a link's target; touch -h sets the link's own.
            long old = NOW.minus(Duration.ofDays(9)).getEpochSecond();
            assertEquals(
                    0,
                    new ProcessBuilder("touch", "-h", "-d", "@" + old, link.toString())
                            .start()
                            .waitFor());
            new EvidenceRetention(dir, Duration.ofDays(7), 1 << 20).sweep(NOW);
            assertEquals(List.of(), left());
            assertEquals("p", Files.readString(outside.resolve("precious")));
        } finally {
            Files.deleteIfExists(outside.resolve("precious"));
            Files.deleteIfExists(outside);
        }
    }
}
