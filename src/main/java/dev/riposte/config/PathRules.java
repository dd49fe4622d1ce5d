package dev.riposte.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where riposte's own files may not be: within reach of what reactions write. The state database must
 * not lie under evidence.dir or a write root (WriteFile and RemoveDir could destroy it), and reactions.dir
 * must not lie under either (a reaction could write a reaction that riposte would then load and run).
 * Paths are compared as written and, where they exist, as their symbolic links resolve.
 */
final class PathRules {
    private PathRules() {}

    static void check(
            RiposteConfig.Reactions reactions,
            RiposteConfig.Evidence evidence,
            RiposteConfig.Files files,
            RiposteConfig.State state,
            List<String> problems) {
        Path db = state.path();
        if (inside(db, evidence.dir())) {
            problems.add("state.path: must not be inside evidence.dir, where WriteFile and RemoveDir could destroy it. "
                    + "Found: " + db + " (evidence.dir is " + evidence.dir() + ")");
        }
        if (inside(reactions.dir(), evidence.dir())) {
            problems.add(
                    "evidence.dir: must not contain reactions.dir, where WriteFile could plant a reaction that riposte "
                            + "would run. Found: " + evidence.dir() + " (reactions.dir is " + reactions.dir() + ")");
        }
        for (Path root : files.writeRoots()) {
            if (inside(db, root)) {
                problems.add("files.write_roots: must not contain state.path, where WriteFile could destroy it. Found: "
                        + root + " (state.path is " + db + ")");
            }
            if (inside(reactions.dir(), root)) {
                problems.add(
                        "files.write_roots: must not contain reactions.dir, where WriteFile could plant a reaction that "
                                + "riposte would run. Found: " + root + " (reactions.dir is " + reactions.dir() + ")");
            }
        }
    }

    /** Whether {@code path} is {@code dir} or lies under it, as written or once existing links are resolved. */
    static boolean inside(Path path, Path dir) {
        Path p = path.toAbsolutePath().normalize();
        Path d = dir.toAbsolutePath().normalize();
        return p.startsWith(d) || real(p).startsWith(real(d));
    }

    /** The path with its longest existing part resolved (links followed), the rest appended as written. */
    private static Path real(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p));
        } catch (IOException e) {
            return p;
        }
    }
}
