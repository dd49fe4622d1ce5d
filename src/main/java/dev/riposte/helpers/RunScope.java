package dev.riposte.helpers;

import dev.riposte.event.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * The state helpers keep for one run: which reaction and event, the calls made, and the last error.
 * Used by one thread at a time (the run's).
 */
public final class RunScope {
    private String reaction = "";
    private Event event;
    private final List<HelperCall> calls = new ArrayList<>();
    private String errno = "";

    /** Attaches the scope to a run. */
    public void begin(String reactionName, Event runEvent) {
        this.reaction = reactionName;
        this.event = runEvent;
    }

    public String reaction() {
        return reaction;
    }

    /** The run's event, or null while a script is only being checked. */
    public Event event() {
        return event;
    }

    public String errno() {
        return errno;
    }

    void record(HelperCall call) {
        calls.add(call);
        if (!call.errno().isEmpty()) {
            errno = call.errno();
        }
    }

    public List<HelperCall> calls() {
        return List.copyOf(calls);
    }
}
