package dev.riposte.service;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/** Builds journal entries for tests in other packages. */
public final class JournalTestAccess {
    private JournalTestAccess() {}

    public static byte[] entry(String message, String logger) {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("test", context.getLogger(logger), Level.INFO, message, null, null);
        event.setKeyValuePairs(List.of(new KeyValuePair("REACTION", "r")));
        return JournalAppender.entry(event);
    }
}
