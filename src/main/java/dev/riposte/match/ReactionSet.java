package dev.riposte.match;

import java.util.List;

/** The result of loading a reactions directory: what runs, and what was refused and why. */
public record ReactionSet(List<Reaction> loaded, List<Rejection> rejected) {
    public ReactionSet {
        loaded = List.copyOf(loaded);
        rejected = List.copyOf(rejected);
    }

    /**
     * This freshly loaded set, except that a file rejected now keeps the reactions it had in
     * {@code previous}: a broken edit never takes a working reaction away. The rejections stay listed,
     * so the log and {@code stats} say why the old version still runs.
     */
    public ReactionSet keepingGoodVersionsOf(ReactionSet previous) {
        java.util.Set<java.nio.file.Path> broken = new java.util.HashSet<>();
        rejected.forEach(r -> broken.add(r.file()));
        java.util.Set<String> names = new java.util.HashSet<>();
        List<Reaction> merged = new java.util.ArrayList<>();
        for (Reaction r : loaded) {
            if (!broken.contains(r.file())) {
                merged.add(r);
                names.add(r.name());
            }
        }
        for (Reaction old : previous.loaded()) {
            if (broken.contains(old.file()) && names.add(old.name())) {
                merged.add(old);
            }
        }
        return new ReactionSet(merged, rejected);
    }
}
