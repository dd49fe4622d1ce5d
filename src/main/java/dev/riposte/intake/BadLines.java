package dev.riposte.intake;

import dev.riposte.base.LogLimiter;
import dev.riposte.base.Text;
import dev.riposte.stats.Metrics;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts and logs (rate-limited) lines that are not events, naming the peer and quoting the line's start. Thread-safe. */
final class BadLines {
    static final int QUOTED_BYTES = 64;
    private static final Logger LOG = LoggerFactory.getLogger(BadLines.class);
    private final Metrics metrics;
    private final LogLimiter limiter = new LogLimiter(10, System::nanoTime);

    BadLines(Metrics metrics) {
        this.metrics = metrics;
    }

    /** @param start the beginning of the line as text (undecodable bytes already escaped), or "" */
    void reject(Channel channel, String reason, String start) {
        metrics.rejected();
        long held = limiter.admit();
        if (held < 0) {
            return;
        }
        String quoted = start.isEmpty() ? "" : "; line starts with \"" + Text.escape(start) + "\"";
        LOG.warn(
                "intake: skipped a bad line from {}: {}{}{}",
                channel.attr(PeerCheck.PEER).get(),
                reason,
                quoted,
                held > 0 ? " (" + held + " more bad lines not logged)" : "");
    }
}
