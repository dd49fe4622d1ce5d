package dev.riposte.dispatch;

/** What became of an event handed to the dispatcher. */
public enum Admission {
    /** Queued; its runs will happen. */
    ACCEPTED,
    /** The queue is full and the overflow policy is backpressure: offer it again later. */
    FULL,
    /** The queue is full and the overflow policy is drop: it was counted and logged, and is gone. */
    DROPPED
}
