package dev.riposte.effect.files;

import dev.riposte.effect.os.FileStat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Which paths reactions may read or stat. Symbolic links (and /proc's magic links) are resolved
 * first; the resolved path is the one checked and the one opened (with no link allowed on it, so a
 * swap after the check fails the open). A deny entry covers its path and everything under it; {@code *}
 * stands for part of one name. Names are not enough, so the opened file is checked too: riposte's own
 * state files are refused by device and inode whatever path reaches them, and a file with several hard
 * links is refused when one of them is a denied file. riposte's own process ({@code /proc/<its pid>} and
 * its threads) is always refused. Thread-safe (immutable).
 */
final class ReadPolicy {
    /** At most this many entries of the denied trees are compared with a file that has several hard links. */
    static final int MAX_DENIED_ENTRIES = 10_000;

    private final List<Path> roots;
    private final List<String> denyGlobs;
    private final List<PathMatcher> deny = new ArrayList<>();
    private final List<Path> alwaysDenied;
    private final long ownPid = ProcessHandle.current().pid();

    /**
     * @param denyGlobs configured deny entries ({@code files.read_deny})
     * @param alwaysDenied files refused whatever the configuration and by whatever name (the state database
     *     and its side files)
     */
    public ReadPolicy(List<Path> roots, List<String> denyGlobs, List<Path> alwaysDenied) {
        this.roots = List.copyOf(roots);
        this.denyGlobs = List.copyOf(denyGlobs);
        for (String glob : denyGlobs) {
            deny.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        this.alwaysDenied =
                alwaysDenied.stream().map(p -> p.toAbsolutePath().normalize()).toList();
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
                    throw new IllegalArgumentException(
                            describe(text, real) + " is denied by files.read_deny entry " + denyGlobs.get(i));
                }
            }
            if (alwaysDenied.contains(p)) {
                throw new IllegalArgumentException(describe(text, real) + " is riposte's own state (" + p + ")");
            }
        }
        if (ownProcess(real)) {
            throw new IllegalArgumentException(describe(text, real) + " is riposte's own process");
        }
        return real;
    }

    /** /proc/N/... where N is riposte's pid or one of its threads (reachable as /proc/TID though not listed). */
    private boolean ownProcess(Path real) {
        if (real.getNameCount() < 2 || !real.getName(0).toString().equals("proc")) {
            return false;
        }
        String n = real.getName(1).toString();
        if (!n.chars().allMatch(Character::isDigit) || n.isEmpty() || n.length() > 10) {
            return n.equals("self") || n.equals("thread-self");
        }
        return Long.parseLong(n) == ownPid || Files.exists(Path.of("/proc/self/task", n), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Checks the file opened at {@code real}: refused if it is one of riposte's own state files, or if it
     * has other hard links and one of them is a denied file.
     */
    void checkOpened(Path real, FileStat opened) throws IOException {
        for (Path own : alwaysDenied) {
            if (same(own, opened)) {
                throw new IllegalArgumentException(
                        "\"" + real + "\" is riposte's own state (" + own + ") under another name");
            }
        }
        if (opened.nlink() > 1) {
            Path denied = deniedLinkOf(opened);
            if (denied != null) {
                throw new IllegalArgumentException(
                        "\"" + real + "\" is a hard link to " + denied + ", which files.read_deny refuses");
            }
        }
    }

    private static boolean same(Path p, FileStat opened) throws IOException {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            return Objects.equals(a.get("dev"), opened.device()) && Objects.equals(a.get("ino"), opened.inode());
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * The denied file that is the same file as {@code opened}, or null. Only denied trees on the same device
     * can hold a hard link to it; when they hold more than {@link #MAX_DENIED_ENTRIES} entries, the file is
     * refused, since no link to a denied file could be ruled out.
     */
    private @Nullable Path deniedLinkOf(FileStat opened) throws IOException {
        int[] seen = new int[1];
        for (int i = 0; i < denyGlobs.size(); i++) {
            Path start = fixedPrefix(denyGlobs.get(i));
            if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)
                    || (Long) Files.getAttribute(start, "unix:dev", LinkOption.NOFOLLOW_LINKS) != opened.device()) {
                continue;
            }
            PathMatcher matcher = deny.get(i);
            try (Stream<Path> walk = Files.walk(start)) {
                for (Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
                    Path p = it.next();
                    if (++seen[0] > MAX_DENIED_ENTRIES) {
                        return Path.of(denyGlobs.get(i) + " (too many entries to rule it out)");
                    }
                    if (underMatch(matcher, p, start)
                            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                            && same(p, opened)) {
                        return p;
                    }
                }
            } catch (UncheckedIOException e) {
                // an unreadable denied directory holds nothing this process could compare
            }
        }
        return null;
    }

    /** Whether {@code p} or one of its ancestors down to {@code start} matches. */
    private static boolean underMatch(PathMatcher matcher, Path p, Path start) {
        for (Path q = p; q != null && q.startsWith(start); q = q.getParent()) {
            if (matcher.matches(q)) {
                return true;
            }
        }
        return false;
    }

    /** The directory part of a deny glob before its first {@code *}. */
    private static Path fixedPrefix(String glob) {
        Path prefix = Path.of("/");
        for (Path part : Path.of(glob)) {
            if (part.toString().contains("*")) {
                break;
            }
            prefix = prefix.resolve(part);
        }
        return prefix;
    }

    private static String describe(String text, Path real) {
        return real.toString().equals(text) ? "\"" + text + "\"" : "\"" + text + "\" (which resolves to " + real + ")";
    }
}
