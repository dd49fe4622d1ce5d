package dev.riposte.event;

import java.util.Locale;

/** The detector format an event was written in; it decides where riposte finds the event's facts. */
public enum Format {
    /** Jibril: the bare event, the Garnet API envelope, or the older printer envelope. */
    JIBRIL,
    /** Falco's JSON alerts ({@code json_output: true}). */
    FALCO,
    /** Tetragon's JSON export, one {@code GetEventsResponse} per value. */
    TETRAGON;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
