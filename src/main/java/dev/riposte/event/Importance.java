package dev.riposte.event;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** {@code metadata.importance}, ordered from least to most important. */
public enum Importance {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    /** The level spelled {@code text} (any case), or empty when it is not one of the four. */
    public static Optional<Importance> parse(@Nullable String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "low" -> Optional.of(LOW);
            case "medium" -> Optional.of(MEDIUM);
            case "high" -> Optional.of(HIGH);
            case "critical" -> Optional.of(CRITICAL);
            default -> Optional.empty();
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
