package dev.riposte.event;

/** A line that is not an event; the message says why in a few words (for counters and logs). */
public final class BadEventException extends Exception {
    public BadEventException(String reason) {
        super(reason, null, false, false);
    }
}
