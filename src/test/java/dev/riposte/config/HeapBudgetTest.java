package dev.riposte.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap must hold a run per worker, one more, the queued events and the daemon itself. */
class HeapBudgetTest {
    private static final long MIB = 1L << 20;

    @Test
    void theDefaults_withFourWorkers_fitTheLaunchersHeap() throws Exception {
        RiposteConfig c = ConfigLoader.parse("dispatch: {workers: 4}", "t");
        assertEquals(240 * MIB, HeapBudget.needed(c));
        assertEquals(List.of(), HeapBudget.problems(c, 256 * MIB));
    }

    @Test
    void aBudgetTheHeapCannotHoldForEveryWorker_isRefused_withTheSum() throws Exception {
        RiposteConfig c = ConfigLoader.parse("dispatch: {workers: 2}\nreactions: {max_alloc_bytes: 268435456}", "t");
        assertEquals(
                List.of("reactions.max_alloc_bytes: (dispatch.workers + 1) x reactions.max_alloc_bytes + 2 x "
                        + "dispatch.queue_max_bytes + 48 MiB must fit in the JVM heap of 268435456 bytes (lower them, or raise -Xmx "
                        + "in RIPOSTE_JAVA_OPTS). Found: (2 + 1) x 268435456 + 2 x 16777216 + 50331648 = 889192448"),
                HeapBudget.problems(c, 256 * MIB));
    }
}
