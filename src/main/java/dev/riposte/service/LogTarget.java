package dev.riposte.service;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.riposte.config.RiposteConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Chooses where the daemon's log goes ({@code log.target}): {@code journal} (journald's native protocol,
 * with structured fields), {@code console} (the readable format), or {@code auto}: the journal when the
 * daemon runs under systemd (systemd sets {@code JOURNAL_STREAM}) and the journal socket exists, else the
 * console.
 */
public final class LogTarget {
    private LogTarget() {}

    /** Whether {@code target} means the journal in this environment. */
    static boolean journal(RiposteConfig.LogTarget target, Map<String, String> env, Path socket) {
        return switch (target) {
            case JOURNAL -> true;
            case CONSOLE -> false;
            case AUTO -> env.containsKey("JOURNAL_STREAM") && Files.exists(socket);
        };
    }

    /** Sends the log to the journal instead of the console when {@code target} says so. */
    public static void apply(RiposteConfig.LogTarget target, Map<String, String> env) {
        if (!journal(target, env, Path.of(JournalAppender.SOCKET))
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        JournalAppender journal = new JournalAppender(JournalAppender.SOCKET);
        journal.setContext(context);
        journal.start();
        root.addAppender(journal);
        root.detachAppender("console");
        LoggerFactory.getLogger(LogTarget.class).info("logging to the journal at {}", JournalAppender.SOCKET);
    }
}
