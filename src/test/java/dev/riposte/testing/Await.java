package dev.riposte.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BooleanSupplier;

/** Waiting for what another thread, process or the kernel makes true; fails with {@code what} if it never does. */
public final class Await {
    private Await() {}

    /** Checks up to {@code checks} times, {@code pauseMillis} apart (a check itself may take time). */
    public static void until(String what, int checks, long pauseMillis, BooleanSupplier condition)
            throws InterruptedException {
        for (int i = 0; i < checks && !condition.getAsBoolean(); i++) {
            Thread.sleep(pauseMillis);
        }
        assertTrue(condition.getAsBoolean(), what);
    }
}
