package dev.riposte.match;

import java.nio.file.Path;

/** Why a reaction file was not loaded, at {@code file:line} (line 1 when the whole file is at fault). */
public record Rejection(Path file, int line, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
