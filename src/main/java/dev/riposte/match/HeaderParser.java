package dev.riposte.match;

import dev.riposte.base.Durations;
import dev.riposte.event.Importance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a reaction's leading comment block (comment lines, {@code //} in JavaScript and {@code #} in
 * shell, and blank lines before the first line of code) without running anything. Directives: {@code @on} (one or more), {@code @name},
 * {@code @timeout}, {@code @enabled}. Thread-safe (stateless).
 */
public final class HeaderParser {
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DIRECTIVE = Pattern.compile("@(\\S*)\\s*(.*)");
    private static final List<String> FIELDS = List.of("name", "kind", "tactic", "technique");

    private HeaderParser() {}

    /**
     * Parses the header of a file whose text is {@code text}.
     *
     * @throws ReactionException with the 1-based line of the first problem
     */
    public static ReactionHeader parse(String text) throws ReactionException {
        return parse(text, "//");
    }

    /**
     * Parses a header written in comments that start with {@code commentPrefix}.
     *
     * @throws ReactionException with the 1-based line of the first problem
     */
    public static ReactionHeader parse(String text, String commentPrefix) throws ReactionException {
        Pattern lateDirective =
                Pattern.compile("\\s*" + Pattern.quote(commentPrefix) + "\\s*@(on|name|timeout|enabled)\\b.*");
        String[] lines = text.split("\r?\n", -1);
        List<Selector> selectors = new ArrayList<>();
        String name = null;
        Duration timeout = null;
        Boolean enabled = null;
        int i = 0;
        for (; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith(commentPrefix)) {
                break;
            }
            String comment = line.substring(commentPrefix.length()).strip();
            Matcher m = DIRECTIVE.matcher(comment);
            if (!m.matches()) {
                continue;
            }
            int lineNo = i + 1;
            String value = m.group(2).strip();
            switch (m.group(1)) {
                case "on" -> selectors.add(selector(value, lineNo));
                case "name" -> {
                    requireOnce(name, "@name", lineNo);
                    if (!NAME.matcher(value).matches()) {
                        throw new ReactionException(
                                lineNo,
                                "@name must be 1 to 64 characters of A-Z a-z 0-9 . _ - "
                                        + "starting with a letter or digit, got \"" + value + "\"");
                    }
                    name = value;
                }
                case "timeout" -> {
                    requireOnce(timeout, "@timeout", lineNo);
                    Duration d = Durations.parse(value);
                    if (d == null || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
                        throw new ReactionException(
                                lineNo,
                                "@timeout must be a duration from 1ms to 60s such as " + "500ms or 2s, got \"" + value
                                        + "\"");
                    }
                    timeout = d;
                }
                case "enabled" -> {
                    requireOnce(enabled, "@enabled", lineNo);
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new ReactionException(lineNo, "@enabled must be true or false, got \"" + value + "\"");
                    }
                    enabled = Boolean.parseBoolean(value);
                }
                default ->
                    throw new ReactionException(
                            lineNo, "unknown directive @" + m.group(1) + " (known: @on, @name, @timeout, @enabled)");
            }
        }
        for (int j = i; j < lines.length; j++) {
            Matcher late = lateDirective.matcher(lines[j]);
            if (late.matches()) {
                throw new ReactionException(
                        j + 1,
                        "@" + late.group(1) + " after the first line of code is not read; "
                                + "move it into the leading comment block");
            }
        }
        if (selectors.isEmpty()) {
            throw new ReactionException(
                    1,
                    "no @on line in the leading comment block; add one such as "
                            + "\"" + commentPrefix + " @on name=crypto_miner_execution\" or \"" + commentPrefix
                            + " @on *\" (the header uses "
                            + commentPrefix + " comments)");
        }
        return new ReactionHeader(
                selectors, Optional.ofNullable(name), Optional.ofNullable(timeout), enabled == null || enabled);
    }

    private static void requireOnce(@Nullable Object previous, String directive, int line) throws ReactionException {
        if (previous != null) {
            throw new ReactionException(line, directive + " is given more than once");
        }
    }

    private static Selector selector(String value, int line) throws ReactionException {
        if (value.isEmpty()) {
            throw new ReactionException(line, "@on needs terms (name=, kind=, tactic=, technique=, importance>=) or *");
        }
        List<String> words = words(value, line);
        if (words.size() == 1 && words.get(0).equals("*")) {
            return new Selector(List.of());
        }
        List<Term> terms = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String word : words) {
            if (word.equals("*")) {
                throw new ReactionException(line, "@on * matches every event and cannot be combined with other terms");
            }
            if (word.startsWith("importance>=")) {
                String level = word.substring("importance>=".length());
                Importance importance = Importance.parse(level)
                        .orElseThrow(() -> new ReactionException(
                                line, "importance>= must be low, medium, high or critical, got \"" + level + "\""));
                if (!seen.add("importance")) {
                    throw new ReactionException(line, "importance>= is given twice on one @on line");
                }
                terms.add(new Term.MinImportance(importance));
                continue;
            }
            int eq = word.indexOf('=');
            String field = eq < 0 ? word : word.substring(0, eq);
            if (eq < 0 || !FIELDS.contains(field)) {
                throw new ReactionException(
                        line,
                        "unknown @on term \"" + word
                                + "\"; expected name=, kind=, tactic=, technique= or importance>=");
            }
            String glob = word.substring(eq + 1);
            if (glob.isEmpty()) {
                throw new ReactionException(line, "@on term " + field + "= needs a value");
            }
            if (!seen.add(field)) {
                throw new ReactionException(line, field + "= is given twice on one @on line");
            }
            terms.add(Term.FieldGlob.of(field, glob));
        }
        return new Selector(terms);
    }

    /**
     * The terms of an {@code @on} line, split at white space. A value may be quoted to hold spaces
     * ({@code name="Terminal shell in container"}): the quote opens right after {@code =} and closes at
     * the end of the term; the quotes are not part of the value, and {@code *} inside them is still a glob.
     */
    private static List<String> words(String value, int line) throws ReactionException {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            if (Character.isWhitespace(value.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            StringBuilder word = new StringBuilder();
            while (i < value.length() && !Character.isWhitespace(value.charAt(i))) {
                char c = value.charAt(i);
                if (c != '"') {
                    word.append(c);
                    i++;
                    continue;
                }
                if (i == start || value.charAt(i - 1) != '=') {
                    throw new ReactionException(
                            line,
                            "a quote in @on may only open a value, right after =, as in "
                                    + "name=\"Terminal shell in container\"; found "
                                    + value.substring(start).split("\\s+")[0]);
                }
                int close = value.indexOf('"', i + 1);
                if (close < 0) {
                    throw new ReactionException(
                            line, "@on term " + value.substring(start) + ": the quote is not closed");
                }
                word.append(value, i + 1, close);
                i = close + 1;
                if (i < value.length() && !Character.isWhitespace(value.charAt(i))) {
                    throw new ReactionException(
                            line,
                            "@on term " + word + " must end at its closing quote; found "
                                    + value.substring(close + 1).split("\\s+")[0] + " after it");
                }
            }
            out.add(word.toString());
        }
        return out;
    }
}
