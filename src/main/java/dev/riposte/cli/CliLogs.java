package dev.riposte.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.riposte.match.ReactionLoader;
import org.slf4j.LoggerFactory;

/** Quiets the daemon's own log lines for commands that report what they find themselves (check, test). */
final class CliLogs {
    private CliLogs() {}

    /**
     * Only warnings and errors reach the console (and none from the loader, whose rejections the command
     * prints itself), unless {@code RIPOSTE_LOG_LEVEL} asks otherwise. Returns what puts the levels back.
     */
    static Runnable quiet() {
        if (System.getenv("RIPOSTE_LOG_LEVEL") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> {};
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger loader = context.getLogger(ReactionLoader.class);
        Level rootLevel = root.getLevel();
        Level loaderLevel = loader.getLevel();
        root.setLevel(Level.WARN);
        loader.setLevel(Level.OFF);
        return () -> {
            root.setLevel(rootLevel);
            loader.setLevel(loaderLevel);
        };
    }
}
