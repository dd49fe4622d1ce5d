package dev.riposte.config;

import java.util.List;

/** The configuration could not be used; {@link #problems()} lists every problem found, one line each. */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
