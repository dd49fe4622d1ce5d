package dev.riposte.helpers;

/** A helper was called with the wrong number or type of arguments; the message names which and what was expected. */
final class ArgumentException extends Exception {
    ArgumentException(String message) {
        super(message, null, false, false);
    }
}
