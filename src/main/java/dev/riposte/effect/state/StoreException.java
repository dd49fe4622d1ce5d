package dev.riposte.effect.state;

/** A store operation that failed or was refused; the message is one readable sentence. */
public final class StoreException extends Exception {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
