package dev.riposte.dispatch;

import dev.riposte.event.Event;
import dev.riposte.match.Reaction;

/** Runs one reaction on one event (the sandbox). Called from worker threads, one run per thread at a time. */
public interface ReactionRunner {
    /** Runs {@code reaction} on {@code event}; never throws for anything the script does. */
    RunResult run(Reaction reaction, Event event);

    /** Called by a worker when it is about to wait for work: prepare what the next run on this thread needs. */
    default void prepareAhead() {}

    /** Ends every run in progress now (the daemon is stopping); each ends as stopped. Any thread. */
    default void cancelAll() {}
}
