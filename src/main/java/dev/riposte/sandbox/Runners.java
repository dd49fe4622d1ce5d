package dev.riposte.sandbox;

import dev.riposte.dispatch.ReactionRunner;
import dev.riposte.dispatch.RunResult;
import dev.riposte.event.Event;
import dev.riposte.match.Code;
import dev.riposte.match.Reaction;

/** Sends each run to the runner of its reaction's language. Thread-safe when its runners are. */
public record Runners(Sandbox js, ShellRunner shell) implements ReactionRunner {
    @Override
    public RunResult run(Reaction reaction, Event event) {
        return switch (reaction.code()) {
            case Code.Js ignored -> js.run(reaction, event);
            case Code.Shell ignored -> shell.run(reaction, event);
        };
    }

    @Override
    public void prepareAhead() {
        js.prepareAhead();
    }

    @Override
    public void cancelAll() {
        js.cancelAll();
        shell.cancelAll();
    }
}
