package dev.riposte.match;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One loaded reaction: a validated file version. Immutable; a changed file becomes a new Reaction.
 *
 * @param hash SHA-256 of the file's bytes, hex, for the audit trail
 * @param code the validated code (JavaScript parsed by the engine, or a shell script)
 * @param timeout the run deadline: {@code @timeout}, else the configured default
 */
public record Reaction(String name, Path file, ReactionHeader header, String hash, Code code, Duration timeout) {
    public Reaction {
        Objects.requireNonNull(name);
        Objects.requireNonNull(file);
        Objects.requireNonNull(header);
        Objects.requireNonNull(hash);
        Objects.requireNonNull(code);
        Objects.requireNonNull(timeout);
    }

    public boolean enabled() {
        return header.enabled();
    }

    @Override
    public String toString() {
        return name + " (" + file + ")";
    }
}
