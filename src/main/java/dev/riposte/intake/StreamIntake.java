package dev.riposte.intake;

import dev.riposte.base.LogLimiter;
import dev.riposte.base.Text;
import dev.riposte.dispatch.Admission;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.event.BadEventException;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.event.FormatChoice;
import dev.riposte.stats.Metrics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the values a {@link ValueSplitter} finds in one source (a followed file, standard input) into
 * events for the dispatcher: each is decoded (strict UTF-8), parsed in the source's format and offered
 * until it is taken. A full queue holds the source's reader here (backpressure: the source is read
 * later, nothing is dropped). What is not an event is counted and logged (rate-limited, escaped),
 * naming the source and the byte offset. One instance per source, used by that source's one reader
 * thread; its counters may be read from any thread.
 */
public final class StreamIntake {
    /** How long a reader waits before offering an event again to a full queue. */
    static final long RETRY_MILLIS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(StreamIntake.class);

    private final String source;
    private final FormatChoice format;
    private final Dispatcher dispatcher;
    private final Metrics metrics;
    private final EventParser parser = new EventParser();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final LogLimiter rejectLog = new LogLimiter(10, System::nanoTime);
    private final LongAdder events = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private volatile boolean stopping;

    /** Says when each accepted value has been handled: all its runs ended, or it was not an event. */
    @FunctionalInterface
    public interface Tracker {
        /**
         * Called in stream order for the value ending at {@code end}; the result runs once it is handled.
         * Null when it was handled before (a restart that resumes behind it): it is not offered again.
         */
        @Nullable
        Runnable track(long end);
    }

    /** Thrown out of a reader held by backpressure when the daemon stops; the event was not taken. */
    public static final class Stopped extends RuntimeException {
        Stopped() {
            super("the daemon is stopping", null, false, false);
        }
    }

    public StreamIntake(String source, FormatChoice format, Dispatcher dispatcher, Metrics metrics) {
        this.source = source;
        this.format = format;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
    }

    /** A sink for one stream of this source (a file, until it is rotated), whose values {@code tracker} follows. */
    public ValueSplitter.Sink sink(Tracker tracker) {
        return new ValueSplitter.Sink() {
            @Override
            public void value(byte[] bytes, int length, long start, long end) {
                Runnable handled = tracker.track(end);
                if (handled != null) {
                    offer(bytes, length, start, handled);
                }
            }

            @Override
            public void garbage(long start, String reason, byte[] quoted) {
                reject(start, reason, new String(quoted, StandardCharsets.UTF_8), false);
            }
        };
    }

    /** Makes a reader held by backpressure give up ({@link Stopped}); called once, when the daemon stops. */
    public void stop() {
        stopping = true;
    }

    public FormatChoice format() {
        return format;
    }

    /** Events taken from this source. */
    public long events() {
        return events.sum();
    }

    /** Values that were not events (malformed, not JSON, not an object, unfinished, too long). */
    public long rejected() {
        return rejected.sum();
    }

    /** Good events of a format this source does not read. */
    public long refused() {
        return refused.sum();
    }

    private void offer(byte[] bytes, int length, long start, Runnable handled) {
        long received = System.nanoTime();
        String text;
        try {
            text = utf8.reset().decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            reject(
                    start,
                    "invalid UTF-8",
                    new String(bytes, 0, Math.min(length, ValueSplitter.QUOTED_BYTES), StandardCharsets.UTF_8),
                    false);
            handled.run();
            return;
        }
        Event event;
        try {
            event = parser.parse(text, received, format);
        } catch (BadEventException e) {
            reject(
                    start,
                    Text.message(e),
                    text.substring(0, Math.min(text.length(), ValueSplitter.QUOTED_BYTES)),
                    e.otherFormat());
            handled.run();
            return;
        }
        metrics.received();
        events.increment();
        while (dispatcher.submit(event, handled) == Admission.FULL) {
            if (stopping) {
                throw new Stopped();
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    private void reject(long offset, String reason, String quoted, boolean otherFormat) {
        metrics.rejected();
        (otherFormat ? refused : rejected).increment();
        long held = rejectLog.admit();
        if (held < 0) {
            return;
        }
        LOG.warn(
                "intake: {}: skipped {} at byte {}: {}; it starts with \"{}\"{}",
                source,
                otherFormat ? "an event" : "a value",
                offset,
                reason,
                Text.escape(quoted),
                held > 0 ? " (" + held + " more not logged)" : "");
    }
}
