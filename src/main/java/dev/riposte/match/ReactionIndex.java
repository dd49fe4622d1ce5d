package dev.riposte.match;

import dev.riposte.event.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the reactions that handle an event. Reactions whose every {@code @on} line names an exact
 * {@code name=} are looked up by the event's name; the rest are tested one by one. Immutable and
 * thread-safe.
 */
public final class ReactionIndex {
    private final Map<String, List<Reaction>> byName = new HashMap<>();
    private final List<Reaction> scanned = new ArrayList<>();
    private final List<Reaction> all;

    public ReactionIndex(List<Reaction> reactions) {
        this.all = List.copyOf(reactions);
        for (Reaction r : all) {
            List<Optional<String>> names =
                    r.header().selectors().stream().map(Selector::exactName).toList();
            if (names.stream().allMatch(Optional::isPresent)) {
                for (Optional<String> n : names) {
                    List<Reaction> list = byName.computeIfAbsent(n.orElseThrow(), k -> new ArrayList<>());
                    if (!list.contains(r)) {
                        list.add(r);
                    }
                }
            } else {
                scanned.add(r);
            }
        }
    }

    /** The reactions that handle {@code event}, each once, in load order (enabled or not). */
    public List<Reaction> match(Event event) {
        Set<Reaction> out = new LinkedHashSet<>();
        for (Reaction r : byName.getOrDefault(event.name(), List.of())) {
            if (matches(r, event)) {
                out.add(r);
            }
        }
        for (Reaction r : scanned) {
            if (matches(r, event)) {
                out.add(r);
            }
        }
        if (out.size() <= 1) {
            return List.copyOf(out);
        }
        List<Reaction> ordered = new ArrayList<>(all);
        ordered.retainAll(out);
        return ordered;
    }

    private static boolean matches(Reaction r, Event event) {
        for (Selector s : r.header().selectors()) {
            if (s.matches(event)) {
                return true;
            }
        }
        return false;
    }
}
