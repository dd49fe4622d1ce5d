package dev.riposte.intake.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.daemon.Components;
import dev.riposte.effect.state.StateStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Positions in a real SQLite state store survive closing and reopening it, per source, in file order. */
class SqlitePositionsTest {
    @TempDir
    Path dir;

    @Test
    void marksRoundTrip_perSource_oldestFileFirst() throws Exception {
        Mark old = new Mark(2049, 11, 4096, 256, 0xfedcba98L, List.of(5000L, 5100L));
        Mark current = new Mark(2049, 12, 0, 0, 0, List.of());
        try (StateStore store = StateStore.open(dir.resolve("state.db"), Components.SCHEMA)) {
            SqlitePositions p = new SqlitePositions(store);
            assertEquals(List.of(), p.load("/var/log/jibril.out"));
            assertEquals(true, p.save("/var/log/jibril.out", List.of(old, current)));
            assertEquals(true, p.save("/var/log/other", List.of(Segments.WAITING)));
        }
        try (StateStore store = StateStore.open(dir.resolve("state.db"), Components.SCHEMA)) {
            SqlitePositions p = new SqlitePositions(store);
            assertEquals(List.of(old, current), p.load("/var/log/jibril.out"));
            assertEquals(List.of(Segments.WAITING), p.load("/var/log/other"));
            p.save("/var/log/jibril.out", List.of(current));
            assertEquals(List.of(current), p.load("/var/log/jibril.out"), "a save replaces the source's marks");
        }
    }
}
