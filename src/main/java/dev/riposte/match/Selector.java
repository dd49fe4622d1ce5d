package dev.riposte.match;

import dev.riposte.event.Event;
import java.util.List;
import java.util.Optional;

/** One {@code @on} line: every term must hold. An empty list ({@code @on *}) matches every event. */
public record Selector(List<Term> terms) {
    public Selector {
        terms = List.copyOf(terms);
    }

    public boolean matches(Event event) {
        for (Term t : terms) {
            if (!t.matches(event)) {
                return false;
            }
        }
        return true;
    }

    /** The exact {@code name=} this selector requires, if it has one. */
    Optional<String> exactName() {
        return terms.stream()
                .filter(t -> t instanceof Term.FieldGlob g && g.field().equals("name") && g.exact())
                .map(t -> ((Term.FieldGlob) t).glob())
                .findFirst();
    }
}
