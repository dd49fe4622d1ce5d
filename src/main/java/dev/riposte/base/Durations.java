package dev.riposte.base;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Durations as operators write them, in the configuration and in reaction headers: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

    private Durations() {}

    /** The duration {@code text} spells, or null when it spells none (or more than 999,999,999 units). */
    public static @Nullable Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 9) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** {@code d} as the configuration spells it: whole seconds as {@code 30s}, anything else in milliseconds. */
    public static String format(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        return d.toSeconds() + "s";
    }
}
