package dev.riposte.event;

/**
 * A value that is not an event riposte accepts; the message says why in a few words (for counters and
 * logs). {@link #otherFormat()} tells a well-formed event of a format the source does not accept from
 * one that is malformed.
 */
public final class BadEventException extends Exception {
    private final boolean otherFormat;

    public BadEventException(String reason) {
        this(reason, false);
    }

    private BadEventException(String reason, boolean otherFormat) {
        super(reason, null, false, false);
        this.otherFormat = otherFormat;
    }

    static BadEventException refused(Format found, FormatChoice accepted) {
        return new BadEventException(
                "a " + found.label() + " event, but this source reads format " + accepted.label(), true);
    }

    /** True when the value was a good event of another format than the source's. */
    public boolean otherFormat() {
        return otherFormat;
    }
}
