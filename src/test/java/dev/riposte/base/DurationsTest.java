package dev.riposte.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void eachUnitParses() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse(" 30s "));
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    }

    @Test
    void anythingElse_isNull() {
        assertNull(Durations.parse("30"));
        assertNull(Durations.parse("1.5s"));
        assertNull(Durations.parse("-1s"));
        assertNull(Durations.parse("5 m"));
        assertNull(Durations.parse("1000000000s"), "ten digits: more than any setting needs, and no overflow");
        assertEquals(Duration.ofSeconds(999_999_999), Durations.parse("999999999s"));
    }

    @Test
    void formatting_usesSecondsWhenWhole_elseMilliseconds() {
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("300s", Durations.format(Duration.ofMinutes(5)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("0ms", Durations.format(Duration.ZERO));
    }
}
