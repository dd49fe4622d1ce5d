package dev.riposte.effect.files;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Which paths reactions may read or stat. Symbolic links (and /proc's magic links) are resolved
 * first and the resolved path is both the one checked and the one opened, so no link can lead
 * outside the roots or into a denied path. A deny entry covers its path and everything under it;
 * {@code *} stands for part of one name. Thread-safe (immutable).
 */
public final class ReadPolicy {
    private final List<Path> roots;
    private final List<String> denied;
    private final List<PathMatcher> deny = new ArrayList<>();

    /**
     * @param denyGlobs configured deny entries ({@code files.read_deny})
     * @param alwaysDenied exact paths refused whatever the configuration (the state database)
     */
    public ReadPolicy(List<Path> roots, List<String> denyGlobs, List<Path> alwaysDenied) {
        this.roots = List.copyOf(roots);
        List<String> labels = new ArrayList<>();
        for (String glob : denyGlobs) {
            deny.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            labels.add("files.read_deny entry " + glob);
        }
        for (Path p : alwaysDenied) {
            Path exact = p.toAbsolutePath().normalize();
            deny.add(exact::equals);
            labels.add("riposte's own state (" + exact + ")");
        }
        this.denied = List.copyOf(labels);
    }

    /**
     * Returns the resolved path to open.
     *
     * @throws IllegalArgumentException with a sentence naming the problem
     * @throws NoSuchFileException when the path (or a link on it) leads nowhere
     */
    public Path check(String text) throws IOException {
        if (text.isEmpty() || text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the path is empty or contains a NUL byte");
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("\"" + text + "\" is not an absolute path");
        }
        Path real = Path.of(text).toRealPath();
        if (roots.stream().noneMatch(real::startsWith)) {
            throw new IllegalArgumentException(describe(text, real) + " is outside files.read_roots " + roots);
        }
        for (Path p = real; p != null; p = p.getParent()) {
            for (int i = 0; i < deny.size(); i++) {
                if (deny.get(i).matches(p)) {
                    throw new IllegalArgumentException(describe(text, real) + " is denied by " + denied.get(i));
                }
            }
        }
        return real;
    }

    private static String describe(String text, Path real) {
        return real.toString().equals(text) ? "\"" + text + "\"" : "\"" + text + "\" (which resolves to " + real + ")";
    }
}
