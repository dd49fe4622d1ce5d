package dev.riposte.match;

import java.util.Objects;
import org.graalvm.polyglot.Source;

/** A reaction's validated code, in the language its runner needs. */
public sealed interface Code {
    /** The code's text, as loaded. */
    String text();

    /** JavaScript, parsed once by the engine and shared by every run of this version. */
    record Js(Source source) implements Code {
        public Js {
            Objects.requireNonNull(source);
        }

        @Override
        public String text() {
            return source.getCharacters().toString();
        }
    }

    /** A shell script, run by {@code /bin/sh}. */
    record Shell(String text) implements Code {
        public Shell {
            Objects.requireNonNull(text);
        }
    }
}
