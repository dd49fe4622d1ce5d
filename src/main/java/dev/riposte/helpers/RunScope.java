package dev.riposte.helpers;

import dev.riposte.base.HelperCall;
import dev.riposte.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state helpers keep for one run: which reaction and event, its deadline, the calls made (the first
 * {@link RunLimits#maxRecordedCalls()}, then a count), the last error, and what it has used of its
 * limits. Used by one thread at a time (the run's).
 */
public final class RunScope {
    private static final Logger REACTION_LOG = LoggerFactory.getLogger("riposte.reaction");

    private final RunLimits limits;
    private final LongSupplier ticker;
    private String reaction = "";
    private @Nullable Event event;
    private long deadlineNanos;
    private final List<HelperCall> calls = new ArrayList<>();
    private long omittedCalls;
    private String errno = "";
    private int logLines;
    private long logBytes;
    private long droppedLines;
    private long droppedBytes;
    private int blocks;

    /** @param ticker {@link System#nanoTime()} or a test's ticker: deadlines are measured with it */
    public RunScope(RunLimits limits, LongSupplier ticker) {
        this.limits = limits;
        this.ticker = ticker;
    }

    /** Attaches the scope to a run that must end by {@code deadlineNanos} (on the ticker). */
    public void begin(String reactionName, @Nullable Event runEvent, long deadlineNanos) {
        this.reaction = reactionName;
        this.event = runEvent;
        this.deadlineNanos = deadlineNanos;
    }

    public String reaction() {
        return reaction;
    }

    /** The run's event, or null while a script is only being checked. */
    public @Nullable Event event() {
        return event;
    }

    public String errno() {
        return errno;
    }

    public RunLimits limits() {
        return limits;
    }

    /** Nanoseconds left before the run's deadline (negative once it has passed). */
    public long remainingNanos() {
        return deadlineNanos - ticker.getAsLong();
    }

    /** Whether one more log line of {@code chars} characters fits the run's log limits; counts it either way. */
    boolean admitLog(int chars) {
        if (logLines >= limits.maxLogLines() || logBytes + chars > limits.maxLogBytes()) {
            droppedLines++;
            droppedBytes += chars;
            return false;
        }
        logLines++;
        logBytes += chars;
        return true;
    }

    /** Whether the run may ask for one more block ({@code netpolicy.max_blocks_per_run}); counts it if so. */
    boolean admitBlock() {
        if (blocks >= limits.maxBlocks()) {
            return false;
        }
        blocks++;
        return true;
    }

    void record(HelperCall call) {
        if (calls.size() < limits.maxRecordedCalls()) {
            calls.add(call);
        } else {
            omittedCalls++;
        }
        if (!call.errno().isEmpty()) {
            errno = call.errno();
        }
    }

    /** The calls recorded, followed by one entry counting the others when there were more. */
    public List<HelperCall> calls() {
        if (omittedCalls == 0) {
            return List.copyOf(calls);
        }
        List<HelperCall> out = new ArrayList<>(calls);
        out.add(HelperCall.omitted(omittedCalls));
        return List.copyOf(out);
    }

    /** Says in one line what the run's log limits kept out of the log, if anything. */
    public void finish() {
        if (droppedLines > 0) {
            REACTION_LOG
                    .atWarn()
                    .addKeyValue("REACTION", reaction)
                    .addKeyValue("EVENT_UUID", event == null ? "" : event.uuid())
                    .log(
                            "{} more log lines ({} characters) of this run were not logged: a run logs at most {} lines "
                                    + "and {} characters (reactions.max_log_lines, reactions.max_log_bytes)",
                            droppedLines,
                            droppedBytes,
                            limits.maxLogLines(),
                            limits.maxLogBytes());
        }
    }
}
