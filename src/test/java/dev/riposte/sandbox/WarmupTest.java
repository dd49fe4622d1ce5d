package dev.riposte.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.riposte.helpers.RunLimits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The warm-up runs its built-in reaction to the end, every run ok, and says nothing where operators look. */
class WarmupTest {
    @Test
    void everyRunIsOk_andNothingIsLoggedForReactions() throws Exception {
        ListAppender<ILoggingEvent> reactionLog = new ListAppender<>();
        reactionLog.start();
        Logger logger = (Logger) LoggerFactory.getLogger("riposte.reaction");
        logger.addAppender(reactionLog);
        try (Warmup warmup = Warmup.start(Duration.ofSeconds(5), 32L << 20, RunLimits.defaults(), 40)) {
            assertEquals(
                    new Warmup.Progress(40, 0),
                    warmup.await(Duration.ofSeconds(60)),
                    "40 runs, all ok (its NetBlockIp calls are refused, which the reaction ignores)");
        } finally {
            logger.detachAppender(reactionLog);
        }
        assertEquals(
                List.of(),
                reactionLog.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList());
    }

    @Test
    void closing_stopsItAfterTheRunInProgress() throws Exception {
        Warmup warmup = Warmup.start(Duration.ofSeconds(5), 32L << 20, RunLimits.defaults(), 1_000_000);
        warmup.close();
        assertFalse(warmup.running(), "a million runs take minutes; close ended them");
    }
}
