package dev.riposte.match;

import dev.riposte.event.Event;
import dev.riposte.event.Importance;
import java.util.Objects;
import java.util.regex.Pattern;

/** One condition of an {@code @on} line. */
public sealed interface Term {

    boolean matches(Event event);

    /** {@code name=}, {@code kind=}, {@code tactic=} or {@code technique=}, with {@code *} globs. */
    record FieldGlob(String field, String glob, Pattern pattern) implements Term {
        public FieldGlob {
            Objects.requireNonNull(field);
            Objects.requireNonNull(glob);
            Objects.requireNonNull(pattern);
        }

        static FieldGlob of(String field, String glob) {
            StringBuilder regex = new StringBuilder();
            for (String part : glob.split("\\*", -1)) {
                regex.append(Pattern.quote(part)).append(".*");
            }
            regex.setLength(regex.length() - 2);
            return new FieldGlob(field, glob, Pattern.compile(regex.toString(), Pattern.DOTALL));
        }

        @Override
        public boolean matches(Event event) {
            String value = switch (field) {
                case "name" -> event.name();
                case "kind" -> event.kind();
                case "tactic" -> event.tactic();
                case "technique" -> event.technique();
                default -> throw new IllegalStateException("unknown field " + field);
            };
            return exact() ? glob.equals(value) : pattern.matcher(value).matches();
        }

        /** True when the glob has no {@code *}: an exact value the index can look up. */
        public boolean exact() {
            return glob.indexOf('*') < 0;
        }
    }

    /** {@code importance>=LEVEL}: events without a known importance never match. */
    record MinImportance(Importance level) implements Term {
        @Override
        public boolean matches(Event event) {
            return event.importance().map(i -> i.compareTo(level) >= 0).orElse(false);
        }
    }
}
