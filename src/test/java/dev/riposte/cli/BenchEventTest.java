package dev.riposte.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.testing.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchEventTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant WRITTEN = Instant.parse("2026-12-01T12:00:00.000000001Z");

    @Test
    void everySampleOfEveryFormat_getsTheNewTime_andItsUuidWhereItHasOne_restUnchanged() throws Exception {
        EventParser parser = new EventParser();
        for (Path dir : List.of(Samples.DIR, Samples.FALCO, Samples.TETRAGON)) {
            for (String line : Samples.lines(dir)) {
                String text = BenchEvent.of(line).text("bench-1", WRITTEN);
                assertTrue(text.endsWith("}\n"), text);
                ObjectNode expected = (ObjectNode) JSON.readTree(line);
                String timeKey = expected.has("timestamp") ? "timestamp" : "time";
                expected.put(timeKey, WRITTEN.toString());
                if (expected.has("uuid")) {
                    expected.put("uuid", "bench-1");
                }
                assertEquals(expected, JSON.readTree(text), line);
                Event e = parser.parse(text.strip(), 0);
                assertEquals(Optional.of(WRITTEN), e.detected());
                if (dir.equals(Samples.DIR)) {
                    assertEquals("bench-1", e.uuid());
                }
            }
        }
    }

    @Test
    void aDerivedUuidChangesWithTheTime() throws Exception {
        EventParser parser = new EventParser();
        BenchEvent falco = BenchEvent.of(Samples.line(Samples.FALCO, "01"));
        assertFalse(JSON.readTree(falco.line()).has("uuid"));
        assertTrue(!parser.parse(falco.text("x", WRITTEN), 0)
                .uuid()
                .equals(parser.parse(falco.text("x", WRITTEN.plusNanos(1)), 0).uuid()));
    }

    @Test
    void aSampleWithoutATime_isRefused() {
        IOException e = assertThrows(IOException.class, () -> BenchEvent.of("{\"uuid\":\"u\",\"time\":5}"));
        assertEquals(
                "a sample event has no top-level \"timestamp\" or \"time\" string to set: {\"uuid\":\"u\",\"time\":5}",
                e.getMessage());
        assertThrows(IOException.class, () -> BenchEvent.of("[1]"));
    }
}
