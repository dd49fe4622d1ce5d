package dev.riposte.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waiting for what another thread, process or the kernel makes true: the one way the tests wait. A check
 * may throw (a stats call to a daemon not listening yet): that counts as not yet.
 */
public final class Await {
    private Await() {}

    /** What is waited for. */
    @FunctionalInterface
    public interface Check {
        boolean holds() throws Exception;
    }

    /** Checks up to {@code checks} times, {@code pauseMillis} apart; fails with {@code what} if it never holds. */
    public static void until(String what, int checks, long pauseMillis, Check condition) throws InterruptedException {
        assertTrue(poll(checks, pauseMillis, condition), what);
    }

    /**
     * Checks up to {@code checks} times, {@code pauseMillis} apart, and says whether it came to hold: for a
     * caller whose own assertion afterwards says best what went wrong.
     */
    public static boolean poll(int checks, long pauseMillis, Check condition) throws InterruptedException {
        for (int i = 0; i < checks; i++) {
            if (i > 0) {
                Thread.sleep(pauseMillis);
            }
            if (holds(condition)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holds(Check condition) {
        try {
            return condition.holds();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }
}
