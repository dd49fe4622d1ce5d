package dev.riposte.dispatch;

import dev.riposte.base.HelperCall;
import java.util.List;
import java.util.Objects;

/** What one run produced: its outcome, the helper calls in order, and how long it took. */
public record RunResult(Outcome outcome, List<HelperCall> calls, long durationNanos) {
    public RunResult {
        Objects.requireNonNull(outcome);
        calls = List.copyOf(calls);
    }
}
