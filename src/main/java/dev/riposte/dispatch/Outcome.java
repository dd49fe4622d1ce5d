package dev.riposte.dispatch;

import java.time.Duration;
import java.util.Objects;

/** How one run of a reaction ended. */
public sealed interface Outcome {

    /** The audit label: {@code ok}, {@code error}, {@code timed_out} or {@code skipped}. */
    String label();

    /** What happened, for the audit trail: "" for ok, else one sentence. */
    String detail();

    record Ok() implements Outcome {
        @Override
        public String label() {
            return "ok";
        }

        @Override
        public String detail() {
            return "";
        }
    }

    /**
     * A JavaScript exception, a stop for using too much memory, or a script that cannot run.
     *
     * @param line the script line the error points at, 0 when unknown
     */
    record Failed(String message, int line) implements Outcome {
        public Failed {
            Objects.requireNonNull(message);
        }

        @Override
        public String label() {
            return "error";
        }

        @Override
        public String detail() {
            return line > 0 ? message + " (line " + line + ")" : message;
        }
    }

    /** The run passed its deadline and was cancelled. */
    record TimedOut(Duration deadline) implements Outcome {
        @Override
        public String label() {
            return "timed_out";
        }

        @Override
        public String detail() {
            return "passed its deadline of " + deadline.toMillis() + " ms";
        }
    }

    /** The run did not happen: a duplicate uuid within the dedup window, or a disabled reaction. */
    record Skipped(String reason) implements Outcome {
        @Override
        public String label() {
            return "skipped";
        }

        @Override
        public String detail() {
            return reason;
        }
    }
}
