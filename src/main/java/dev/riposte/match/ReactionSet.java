package dev.riposte.match;

import java.util.List;

/** The result of loading a reactions directory: what runs, and what was refused and why. */
public record ReactionSet(List<Reaction> loaded, List<Rejection> rejected) {
    public ReactionSet {
        loaded = List.copyOf(loaded);
        rejected = List.copyOf(rejected);
    }
}
