package dev.riposte.event;

import java.util.Locale;

/** Which formats a source accepts: {@code auto} recognises each event's, the others accept one only. */
public enum FormatChoice {
    AUTO,
    JIBRIL,
    FALCO,
    TETRAGON;

    public boolean accepts(Format format) {
        return this == AUTO || name().equals(format.name());
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
