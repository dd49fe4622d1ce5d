package dev.riposte.config;

import dev.riposte.base.Cidr;
import dev.riposte.base.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** One mapping of the file, with its key path; remembers which keys were read. */
final class Section {
    private final String path;
    private final Map<String, Object> values = new LinkedHashMap<>();
    /** Where every problem found is added, for the whole file. */
    final List<String> problems;
    /** Every key read, as a path (sections are not keys). */
    private final List<String> seen;

    Section(String path, Map<?, ?> map, List<String> problems, List<String> seen) {
        this.path = path;
        this.problems = problems;
        this.seen = seen;
        map.forEach((k, v) -> values.put(String.valueOf(k), v));
    }

    private String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private void problem(String name, String rule, @Nullable Object found) {
        problems.add(key(name) + ": " + rule + ". Found: " + ConfigLoader.describe(found));
    }

    private @Nullable Object take(String name) {
        seen.add(key(name));
        return values.remove(name);
    }

    Section section(String name) {
        Object v = values.remove(name);
        if (v == null) {
            return new Section(key(name), Map.of(), problems, seen);
        }
        if (v instanceof Map<?, ?> m) {
            return new Section(key(name), m, problems, seen);
        }
        problem(name, "must be a mapping", v);
        return new Section(key(name), Map.of(), problems, seen);
    }

    void finish() {
        for (Map.Entry<String, Object> unknown : values.entrySet()) {
            if (unknown.getValue() instanceof Map<?, ?> && path.isEmpty()) {
                problems.add(key(unknown.getKey()) + ": is not a known section. Found: a mapping");
            } else {
                problems.add(key(unknown.getKey()) + ": is not a known key. Found: "
                        + ConfigLoader.describe(unknown.getValue()));
            }
        }
    }

    String string(String name, String fallback) {
        Object v = take(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        problem(name, "must be a string", v);
        return fallback;
    }

    Path path(String name, String fallback) {
        Object v = take(name);
        if (v == null) {
            return Path.of(fallback);
        }
        if (v instanceof String s && !s.isBlank() && s.indexOf('\0') < 0) {
            return Path.of(s);
        }
        problem(name, "must be a non-empty path", v);
        return Path.of(fallback);
    }

    long integer(String name, long fallback, long min, long max) {
        Object v = take(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long) {
            long n = ((Number) v).longValue();
            if (n >= min && n <= max) {
                return n;
            }
        }
        problem(name, "must be an integer from " + min + " to " + max, v);
        return fallback;
    }

    Duration duration(String name, Duration fallback, Duration min) {
        Object v = take(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            Duration d = Durations.parse(s);
            if (d != null && d.compareTo(min) >= 0) {
                return d;
            }
        }
        problem(name, "must be a duration such as 500ms, 30s, 5m, 1h or 7d, at least " + Durations.format(min), v);
        return fallback;
    }

    <E extends Enum<E>> E choice(String name, E fallback, Class<E> type) {
        Object v = take(name);
        if (v == null) {
            return fallback;
        }
        TreeSet<String> allowed = new TreeSet<>();
        for (E e : type.getEnumConstants()) {
            String spelled = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
            allowed.add(spelled);
            if (spelled.equals(v)) {
                return e;
            }
        }
        problem(name, "must be one of " + String.join(", ", allowed), v);
        return fallback;
    }

    List<String> strings(String name, List<String> fallback, boolean allowEmpty) {
        Object v = take(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof String s && !s.isEmpty())) {
            List<String> out = new ArrayList<>();
            list.forEach(e -> out.add((String) e));
            if (allowEmpty || !out.isEmpty()) {
                return out;
            }
        }
        problem(
                name,
                allowEmpty ? "must be a list of non-empty strings" : "must be a non-empty list of non-empty strings",
                v);
        return fallback;
    }

    /** A user name as the system spells them, or a numeric uid. */
    String userName(String name, String fallback) {
        String s = string(name, fallback);
        if (s.matches("[a-z_][a-z0-9_.-]{0,31}|[0-9]{1,10}")) {
            return s;
        }
        problem(name, "must be a user name (letters, digits, _ . -) or a numeric uid", s);
        return fallback;
    }

    boolean bool(String name, boolean fallback) {
        Object v = take(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        problem(name, "must be true or false", v);
        return fallback;
    }

    List<Path> paths(String name, List<String> fallback) {
        List<Path> out = new ArrayList<>();
        for (String s : strings(name, fallback, true)) {
            if (s.startsWith("/")) {
                out.add(Path.of(s).normalize());
            } else {
                problem(name, "must list absolute paths", s);
            }
        }
        return out;
    }

    /** Absolute paths in which {@code *} may stand for part of one name. */
    List<String> pathGlobs(String name, List<String> fallback) {
        List<String> out = new ArrayList<>();
        for (String s : strings(name, fallback, true)) {
            if (s.startsWith("/") && !s.contains("**") && !s.matches(".*[?\\[\\]{}\\\\].*")) {
                out.add(s);
            } else {
                problem(name, "must list absolute paths, where * stands for part of one name", s);
            }
        }
        return out;
    }

    List<String> cidrs(String name, List<String> fallback) {
        List<String> out = new ArrayList<>();
        for (String s : strings(name, fallback, true)) {
            try {
                Cidr.parse(s);
                out.add(s);
            } catch (IllegalArgumentException e) {
                problem(name, "must list IP addresses or CIDR ranges such as 10.0.0.0/8", s);
            }
        }
        return out;
    }

    /**
     * {@code intake.files}: a list of mappings, each with a required {@code path}; a relative one is
     * made absolute against the working directory now, so that its saved position keeps one name.
     */
    List<RiposteConfig.FollowedFile> followedFiles(String name) {
        Object v = take(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            problem(name, "must be a list of files, each a mapping with path (and format, start)", v);
            return List.of();
        }
        List<RiposteConfig.FollowedFile> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String item = name + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                problem(item, "must be a mapping with path (and format, start)", list.get(i));
                continue;
            }
            // Its keys are documented as a table of their own, not as section keys.
            Section entry = new Section(key(item), m, problems, new ArrayList<>());
            Object path = entry.take("path");
            var format =
                    entry.choice("format", dev.riposte.event.FormatChoice.AUTO, dev.riposte.event.FormatChoice.class);
            var start = entry.choice("start", RiposteConfig.Start.END, RiposteConfig.Start.class);
            entry.finish();
            if (!(path instanceof String p) || p.isEmpty() || p.indexOf('\0') >= 0 || p.endsWith("/")) {
                entry.problem("path", "must be the path of a file", path);
                continue;
            }
            Path file = Path.of(p).toAbsolutePath().normalize();
            if (out.stream().anyMatch(f -> f.path().equals(file))) {
                entry.problem("path", "is already followed by an earlier entry", p);
                continue;
            }
            out.add(new RiposteConfig.FollowedFile(file, format, start));
        }
        return out;
    }

    List<Integer> ids(String name) {
        Object v = take(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof Integer i && i >= 0)) {
            List<Integer> out = new ArrayList<>();
            list.forEach(e -> out.add((Integer) e));
            return out;
        }
        problem(name, "must be a list of numeric ids (0 or more)", v);
        return List.of();
    }
}
