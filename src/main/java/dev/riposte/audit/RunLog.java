package dev.riposte.audit;

import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunListener;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.helpers.HelperCall;
import dev.riposte.helpers.Text;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Logs one line per run on the {@code riposte.audit} logger: INFO for ok and skipped, WARN for errors
 * and timeouts. Thread-safe.
 */
public final class RunLog implements RunListener {
    private static final Logger LOG = LoggerFactory.getLogger("riposte.audit");

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
                .addKeyValue("HELPERS", record.result().calls().stream().map(HelperCall::toString)
                        .collect(Collectors.joining(", ", "[", "]")));
        String detail = outcome.detail();
        if (!detail.isEmpty()) {
            line = line.addKeyValue("DETAIL", Text.forLog(detail));
        }
        line.log("run");
    }
}
