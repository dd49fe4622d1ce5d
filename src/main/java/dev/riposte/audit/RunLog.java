package dev.riposte.audit;

import dev.riposte.base.HelperCall;
import dev.riposte.base.Text;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunListener;
import dev.riposte.dispatch.RunRecord;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs one line per run on the {@code riposte.audit} logger: INFO for ok and skipped, WARN for errors
 * and timeouts. The line names the first {@link #LOGGED_CALLS} helper calls and counts the rest (the
 * audit trail keeps more: {@code riposte audit}). Thread-safe.
 */
public final class RunLog implements RunListener {
    static final int LOGGED_CALLS = 64;
    private static final Logger LOG = LoggerFactory.getLogger("riposte.audit");

    /** The calls as {@code [Helper(args)=result, ...]}, the first {@link #LOGGED_CALLS} of them. */
    static String helpers(List<HelperCall> calls) {
        String shown =
                calls.stream().limit(LOGGED_CALLS).map(HelperCall::toString).collect(Collectors.joining(", "));
        if (calls.size() <= LOGGED_CALLS) {
            return "[" + shown + "]";
        }
        HelperCall last = calls.getLast();
        long more = (long) calls.size() - LOGGED_CALLS;
        if (last.helper().equals("...")) {
            more += Long.parseLong(last.args().substring(0, last.args().indexOf(' '))) - 1;
        }
        return "[" + shown + ", ... " + more + " more calls (riposte audit --event shows what was recorded)]";
    }

    /**
     * The line as {@code journalctl -u riposte} shows it without fields: which reaction ran on which
     * event, how it ended and how long it took ({@code run of kill-miners on crypto_miner_execution
     * fc76e4b9-...: ok, 0.153 ms}). Event text is escaped: it cannot start a line of its own.
     */
    static String message(RunRecord record) {
        Outcome outcome = record.result().outcome();
        String detail = outcome.detail().isEmpty() ? "" : ": " + outcome.detail();
        String name = record.event().name().isEmpty()
                ? "an unnamed event"
                : record.event().name();
        return Text.forLog("run of " + record.reaction().name() + " on " + name + " "
                + record.event().uuid() + ": " + outcome.label() + detail + ", "
                + Math.floorDiv(record.result().durationNanos(), 1000) / 1000.0 + " ms");
    }

    @Override
    public void onRun(RunRecord record) {
        Outcome outcome = record.result().outcome();
        boolean bad = outcome instanceof Outcome.Failed || outcome instanceof Outcome.TimedOut;
        LoggingEventBuilder line = (bad ? LOG.atWarn() : LOG.atInfo())
                .addKeyValue("REACTION", record.reaction().name())
                .addKeyValue("EVENT_UUID", record.event().uuid())
                .addKeyValue("EVENT_NAME", record.event().name())
                .addKeyValue("OUTCOME", outcome.label())
                .addKeyValue("DURATION_US", record.result().durationNanos() / 1000)
                .addKeyValue("HELPERS", helpers(record.result().calls()));
        String detail = outcome.detail();
        if (!detail.isEmpty()) {
            line = line.addKeyValue("DETAIL", Text.forLog(detail));
        }
        line.log(message(record));
    }
}
