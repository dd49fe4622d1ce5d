package dev.riposte.dispatch;

import dev.riposte.event.Event;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the dispatcher may hold at once: {@code queue_capacity} events (queued or running) and
 * {@code queue_max_bytes} of their text. An event takes its share when admitted and gives it back when its
 * last run has ended. Thread-safe.
 */
final class QueueBudget {
    private final int events;
    private final long bytes;
    private final Semaphore slots;
    private final AtomicLong taken = new AtomicLong();

    QueueBudget(int events, long bytes) {
        this.events = events;
        this.bytes = bytes;
        this.slots = new Semaphore(events);
    }

    /** Takes an event slot and the event's bytes, or nothing (the budget is spent). */
    boolean take(Event event) {
        if (!slots.tryAcquire()) {
            return false;
        }
        long size = event.json().length();
        if (taken.addAndGet(size) > bytes) {
            taken.addAndGet(-size);
            slots.release();
            return false;
        }
        return true;
    }

    /** Gives back what {@link #take} took for {@code event}. */
    void giveBack(Event event) {
        taken.addAndGet(-event.json().length());
        slots.release();
    }

    /** Events holding a share now. */
    int held() {
        return events - slots.availablePermits();
    }
}
