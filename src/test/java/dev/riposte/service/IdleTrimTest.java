package dev.riposte.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One full collection per burst, in the first quiet period after it; none while events flow or at idle. */
class IdleTrimTest {
    final AtomicLong done = new AtomicLong(7);
    final AtomicInteger collections = new AtomicInteger();
    final IdleTrim trim = new IdleTrim(done::get, collections::incrementAndGet);

    /** The checks' answers while the finished-events count takes these values, one per check. */
    private List<Boolean> checks(long... counts) {
        List<Boolean> answers = new ArrayList<>();
        for (long c : counts) {
            done.set(c);
            answers.add(trim.check());
        }
        return answers;
    }

    @Test
    void anIdleDaemon_neverCollects() {
        assertEquals(List.of(false, false, false), checks(7, 7, 7), "the events done before it was made are no burst");
        assertEquals(0, collections.get());
    }

    @Test
    void aBurst_isFollowedByOneCollection_inTheFirstQuietPeriod() {
        assertEquals(List.of(false, false, false, true, false, false), checks(100, 5_000, 9_000, 9_000, 9_000, 9_000));
        assertEquals(1, collections.get());
    }

    @Test
    void everyBurst_getsItsOwn() {
        assertEquals(List.of(false, true, false, false, true), checks(8, 8, 8, 20, 20));
        assertEquals(2, collections.get());
    }
}
