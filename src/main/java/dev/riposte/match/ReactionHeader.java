package dev.riposte.match;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a reaction file declares in its leading comment block.
 *
 * @param selectors the {@code @on} lines, alternatives (at least one)
 * @param name {@code @name}, if given
 * @param timeout {@code @timeout}, if given
 */
public record ReactionHeader(
        List<Selector> selectors, Optional<String> name, Optional<Duration> timeout, boolean enabled) {
    public ReactionHeader {
        selectors = List.copyOf(selectors);
        if (selectors.isEmpty()) {
            throw new IllegalArgumentException("a header needs at least one @on line");
        }
    }
}
