package dev.riposte.match;

/** A reaction file is unusable; carries the line the problem is on (1-based; 1 when the whole file is at fault). */
public final class ReactionException extends Exception {
    private final int line;

    public ReactionException(int line, String message) {
        super(message, null, false, false);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
