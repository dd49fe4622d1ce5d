package dev.riposte.effect.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which paths reactions may write: absolute, normalized, strictly inside one of the roots, and with no
 * symbolic link in any component from {@code /} down (so a link planted in the evidence directory
 * cannot redirect a write to {@code /etc}). Thread-safe (immutable).
 */
public final class PathPolicy {
    private final List<Path> roots;

    public PathPolicy(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * Returns the checked path.
     *
     * @throws IllegalArgumentException with a sentence naming the problem
     */
    public Path checkWritable(String text) {
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
        if (roots.stream().noneMatch(r -> path.startsWith(r) && !path.equals(r))) {
            throw new IllegalArgumentException("\"" + text + "\" is outside the allowed roots " + roots);
        }
        List<Path> prefixes = new ArrayList<>();
        for (Path p = path; p != null; p = p.getParent()) {
            prefixes.addFirst(p);
        }
        for (Path p : prefixes) {
            if (Files.isSymbolicLink(p)) {
                throw new IllegalArgumentException("\"" + p + "\" is a symbolic link; no link may appear in the path");
            }
        }
        return path;
    }

    /** The same check for a directory that must already exist and be a real directory. */
    public static void requireRealDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (or is a symbolic link)");
        }
    }
}
