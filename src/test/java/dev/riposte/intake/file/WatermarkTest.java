package dev.riposte.intake.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WatermarkTest {
    private final AtomicInteger moves = new AtomicInteger();
    private final Watermark w = new Watermark(100, moves::incrementAndGet);

    @Test
    void theMarkIsTheEndOfTheLongestHandledPrefix() {
        Runnable a = w.add(110);
        Runnable b = w.add(120);
        Runnable c = w.add(130);
        assertEquals(100, w.handled());
        b.run();
        c.run();
        assertEquals(100, w.handled(), "a is still running");
        assertEquals(List.of(120L, 130L), w.handledPast(10));
        assertEquals(List.of(120L), w.handledPast(1));
        a.run();
        assertEquals(130, w.handled());
        assertEquals(List.of(), w.handledPast(10));
        assertEquals(0, w.pending());
        assertEquals(3, moves.get(), "every handled value is a change to save");
    }

    @Test
    void whatIsNotAValue_movesTheMarkOnceEverythingBeforeIsHandled() {
        w.passed(105);
        assertEquals(105, w.handled());
        Runnable a = w.add(110);
        w.passed(115); // garbage or white space after a
        assertEquals(105, w.handled());
        assertEquals(List.of(), w.handledPast(10), "the gap is no value to skip");
        a.run();
        assertEquals(115, w.handled());
        w.passed(112);
        assertEquals(115, w.handled(), "never backwards");
    }
}
