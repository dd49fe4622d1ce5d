package dev.riposte;

import dev.riposte.audit.RunLog;
import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.dispatch.RunListener;
import dev.riposte.effect.files.DisabledFiles;
import dev.riposte.effect.files.LocalFiles;
import dev.riposte.effect.netpolicy.DisabledNetPolicy;
import dev.riposte.effect.netpolicy.NetPolicies;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.helpers.Helpers;
import dev.riposte.intake.IntakeServer;
import dev.riposte.match.ReactionIndex;
import dev.riposte.match.ReactionLoader;
import dev.riposte.match.ReactionSet;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.stats.Metrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: wires the stages of the data path together from a configuration. Start it with
 * {@link #start}; {@link #close} stops intake, lets admitted events finish, and releases everything.
 * Not thread-safe: start and close from one thread.
 */
public final class Daemon implements AutoCloseable {
    static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final RiposteConfig config;
    private final Metrics metrics = new Metrics();
    private final List<AutoCloseable> started = new ArrayList<>();
    private NetPolicy netPolicy;
    private Dispatcher dispatcher;
    private ReactionSet reactions;

    private Daemon(RiposteConfig config) {
        this.config = config;
    }

    /** Starts a daemon; {@code listeners} receive every run record besides the run log. */
    public static Daemon start(RiposteConfig config, List<RunListener> listeners) throws IOException {
        Daemon daemon = new Daemon(config);
        try {
            daemon.startAll(listeners);
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    private void startAll(List<RunListener> listeners) throws IOException {
        LocalFiles files = new LocalFiles(config.evidence().dir(), config.files().writeRoots(),
                config.evidence().maxFileBytes());
        files.prepare();
        netPolicy = NetPolicies.create(config.netpolicy());
        String checking = "effects are refused while a reaction file is checked";
        Sandbox sandbox = new Sandbox(new Helpers(files, netPolicy),
                new Helpers(new DisabledFiles(checking), new DisabledNetPolicy(checking)),
                config.reactions().defaultTimeout(), config.reactions().maxAllocBytes());
        started.add(sandbox);
        reactions = new ReactionLoader(sandbox, config.reactions().defaultTimeout())
                .loadDirectory(config.reactions().dir());
        List<RunListener> all = new ArrayList<>();
        all.add(new RunLog());
        all.addAll(listeners);
        dispatcher = new Dispatcher(config.dispatch(), sandbox, all, metrics, Clock.systemUTC());
        dispatcher.setReactions(new ReactionIndex(reactions.loaded()));
        dispatcher.start();
        started.add(dispatcher);
        IntakeServer intake = new IntakeServer(config.intake(), dispatcher, metrics,
                new DaemonControl(this), ownUid());
        started.add(intake);
        intake.start();
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        LOG.info("ready: {} reactions loaded, {} rejected, netpolicy {}; {} ms after JVM start",
                reactions.loaded().size(), reactions.rejected().size(), netPolicy.status().backend(), sinceJvmStart);
    }

    private static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    public Metrics metrics() {
        return metrics;
    }

    public ReactionSet reactions() {
        return reactions;
    }

    public NetPolicy netPolicy() {
        return netPolicy;
    }

    /** Events admitted and not yet done. */
    public int inFlight() {
        return dispatcher.inFlight();
    }

    @Override
    public void close() {
        // Reverse start order: intake first (no new events), then the dispatcher drains, then the sandbox.
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable c = started.get(i);
            try {
                if (c instanceof Dispatcher d && !d.drain(DRAIN_GRACE)) {
                    LOG.warn("stopping with {} events still in flight after {} s", d.inFlight(), DRAIN_GRACE.toSeconds());
                }
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("error while stopping {}", c, e);
            }
        }
        if (!started.isEmpty()) {
            LOG.info("stopped");
        }
        started.clear();
    }
}
