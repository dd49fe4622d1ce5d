package dev.riposte.daemon;

import dev.riposte.base.Durations;
import dev.riposte.config.ConfigException;
import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import dev.riposte.match.ReactionLoader;
import dev.riposte.match.ReactionSet;
import dev.riposte.service.DirectoryWatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reaction files and what a reload takes from the configuration file. {@code reactions.dir} and
 * {@code reactions.default_timeout} apply at once (the directory watch follows a new directory); every
 * other setting is built into the running daemon (sockets, store, bridge, pool, sandbox), so a change to it
 * is logged as waiting for the next restart. An invalid file is reported and changes nothing. Thread-safe.
 */
final class Reloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    private final RiposteConfig started;
    private final @Nullable Path configFile;
    private final Components.Engine engine;
    /** The reactions settings in force: those a reload can change, the others as started. */
    private RiposteConfig.Reactions live;

    private ReactionLoader loader;
    private @Nullable DirectoryWatch watch;
    private Runnable onChange = () -> {};

    /** @param configFile where {@code started} was read from, or null when it is the built-in defaults */
    Reloader(RiposteConfig started, @Nullable Path configFile, Components.Engine engine) {
        this.started = started;
        this.configFile = configFile;
        this.engine = engine;
        this.live = started.reactions();
        this.loader = engine.loader(live.defaultTimeout());
    }

    /** The first load. The directory is watched before it is read: a file copied in meanwhile is loaded by the first reload. */
    synchronized ReactionSet load() {
        watch = DirectoryWatch.watch(live.dir());
        return loader.loadDirectory(live.dir());
    }

    /** Calls {@code onChange} whenever the reactions directory changes. */
    synchronized void watch(Runnable onChange) {
        this.onChange = onChange;
        Objects.requireNonNull(watch, "the first load makes the watch").start(onChange);
    }

    /** Reads the configuration file again, then every reaction file; a file broken now keeps its version in {@code previous}. */
    synchronized ReactionSet reload(ReactionSet previous) {
        applyConfigurationFile();
        return loader.loadDirectory(live.dir()).keepingGoodVersionsOf(previous);
    }

    private void applyConfigurationFile() {
        Path configFile = this.configFile;
        if (configFile == null) {
            return;
        }
        RiposteConfig now;
        try {
            now = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            LOG.error(
                    "{} is now invalid ({}); the daemon keeps running with the configuration it started with",
                    configFile,
                    String.join("; ", e.problems()));
            return;
        }
        RiposteConfig.Reactions wanted = now.reactions();
        if (!wanted.dir().equals(live.dir()) || !wanted.defaultTimeout().equals(live.defaultTimeout())) {
            if (!wanted.dir().equals(live.dir())) {
                close();
                watch = DirectoryWatch.start(wanted.dir(), onChange);
            }
            live = new RiposteConfig.Reactions(
                    wanted.dir(),
                    wanted.defaultTimeout(),
                    live.maxAllocBytes(),
                    live.maxLogLines(),
                    live.maxLogBytes(),
                    live.warmupRuns());
            loader = engine.loader(live.defaultTimeout());
            LOG.info(
                    "configuration: reactions.dir {} and reactions.default_timeout {} now apply",
                    live.dir(),
                    Durations.format(live.defaultTimeout()));
        }
        List<String> waiting = waitingForRestart(started, now);
        if (!waiting.isEmpty()) {
            LOG.warn(
                    "{} has changed in {}; that takes effect at the next restart",
                    configFile,
                    String.join(", ", waiting));
        }
    }

    /** The settings that differ between {@code running} and {@code inFile} and wait for a restart, by name. */
    static List<String> waitingForRestart(RiposteConfig running, RiposteConfig inFile) {
        List<String> waiting = new ArrayList<>();
        RiposteConfig.Reactions r = running.reactions();
        RiposteConfig.Reactions f = inFile.reactions();
        changed(waiting, "reactions.max_alloc_bytes", r.maxAllocBytes(), f.maxAllocBytes());
        changed(waiting, "reactions.max_log_lines", r.maxLogLines(), f.maxLogLines());
        changed(waiting, "reactions.max_log_bytes", r.maxLogBytes(), f.maxLogBytes());
        changed(waiting, "reactions.warmup_runs", r.warmupRuns(), f.warmupRuns());
        changed(waiting, "intake", running.intake(), inFile.intake());
        changed(waiting, "dispatch", running.dispatch(), inFile.dispatch());
        changed(waiting, "shell", running.shell(), inFile.shell());
        changed(waiting, "evidence", running.evidence(), inFile.evidence());
        changed(waiting, "files", running.files(), inFile.files());
        changed(waiting, "netpolicy", running.netpolicy(), inFile.netpolicy());
        changed(waiting, "state", running.state(), inFile.state());
        changed(waiting, "kill", running.kill(), inFile.kill());
        changed(waiting, "emergency", running.emergency(), inFile.emergency());
        changed(waiting, "log", running.log(), inFile.log());
        return waiting;
    }

    private static void changed(List<String> waiting, String name, Object running, Object inFile) {
        if (!running.equals(inFile)) {
            waiting.add(name);
        }
    }

    /** Stops watching the directory. */
    @Override
    public synchronized void close() {
        if (watch != null) {
            try {
                watch.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing the reactions watch: {}", e.toString());
            }
        }
    }
}
