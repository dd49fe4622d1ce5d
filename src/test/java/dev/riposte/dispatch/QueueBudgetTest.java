package dev.riposte.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.event.Event;
import dev.riposte.testing.Samples;
import org.junit.jupiter.api.Test;

class QueueBudgetTest {
    final Event event = Samples.event("01");
    final long size = event.json().length();

    @Test
    void eventsBeyondTheCount_areRefused_untilOneGivesItsShareBack() {
        QueueBudget budget = new QueueBudget(2, 1L << 20);
        assertTrue(budget.take(event));
        assertTrue(budget.take(event));
        assertFalse(budget.take(event));
        assertEquals(2, budget.held());
        budget.giveBack(event);
        assertEquals(1, budget.held());
        assertTrue(budget.take(event));
    }

    @Test
    void anEventBeyondTheBytes_isRefused_andTakesNoSlot() {
        QueueBudget budget = new QueueBudget(10, size * 2 + size / 2);
        assertTrue(budget.take(event));
        assertTrue(budget.take(event));
        assertFalse(budget.take(event), "a third would pass the bytes");
        assertEquals(2, budget.held(), "the refused event holds no slot");
        budget.giveBack(event);
        assertTrue(budget.take(event), "its bytes were given back too");
    }
}
