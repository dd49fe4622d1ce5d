package dev.riposte.effect.files;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which paths reactions may write: absolute, normalized, strictly inside one of the roots. This is the
 * check of the text; that no symbolic link lies on the way is enforced when the path is opened
 * ({@link Beneath}), where no swap can come between the check and the use. Thread-safe (immutable).
 */
final class PathPolicy {
    private final List<Path> configured;
    /** The same roots, the deepest first: a path belongs to the innermost root that holds it. */
    private final List<Path> roots;

    public PathPolicy(List<Path> roots) {
        this.configured = List.copyOf(roots);
        this.roots = roots.stream()
                .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                .toList();
    }

    /** A checked path: the root it lies in, and the path relative to that root. */
    record Target(Path root, Path relative) {
        Path path() {
            return root.resolve(relative);
        }
    }

    /**
     * Returns the checked path, relative to the innermost root that holds it.
     *
     * @throws IllegalArgumentException with a sentence naming the problem
     */
    Target checkWritable(String text) {
        if (text.isEmpty() || text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the path is empty or contains a NUL byte");
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("\"" + text + "\" is not an absolute path");
        }
        Path path = Path.of(text);
        for (Path part : path) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw new IllegalArgumentException("\"" + text + "\" contains a '" + part + "' component");
            }
        }
        if (!path.toString().equals(text) && !(path + "/").equals(text)) {
            throw new IllegalArgumentException("\"" + text + "\" is not in normal form (repeated '/')");
        }
        for (Path root : roots) {
            if (path.startsWith(root) && !path.equals(root)) {
                return new Target(root, root.relativize(path));
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is outside the allowed roots " + configured);
    }

    /** The first symbolic link on {@code path} from {@code /} down, for a message; null if there is none now. */
    static @Nullable Path firstLink(Path path) {
        Path prefix = path.getRoot();
        for (Path part : path) {
            prefix = prefix.resolve(part);
            if (Files.isSymbolicLink(prefix)) {
                return prefix;
            }
        }
        return null;
    }
}
