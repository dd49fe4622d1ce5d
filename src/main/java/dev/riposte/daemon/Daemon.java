package dev.riposte.daemon;

import dev.riposte.audit.AuditTrail;
import dev.riposte.audit.RunLog;
import dev.riposte.base.TimerScheduler;
import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.dispatch.RunListener;
import dev.riposte.effect.Effects;
import dev.riposte.effect.files.LocalFiles;
import dev.riposte.effect.netpolicy.NetPolicies;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.effect.netpolicy.NetPolicyStatus;
import dev.riposte.effect.os.LibC;
import dev.riposte.effect.state.StateStore;
import dev.riposte.intake.IntakeServer;
import dev.riposte.intake.SourceStatus;
import dev.riposte.intake.StdinSource;
import dev.riposte.intake.file.FollowedFiles;
import dev.riposte.match.HeaderParser;
import dev.riposte.match.ReactionIndex;
import dev.riposte.match.ReactionSet;
import dev.riposte.prometheus.Exposition;
import dev.riposte.sandbox.ShellIsolation;
import dev.riposte.sandbox.ShellRunner;
import dev.riposte.service.Heartbeat;
import dev.riposte.service.Notifier;
import dev.riposte.stats.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: wires the stages of the data path together from a configuration. Start it with
 * {@link #start}; {@link #close} stops intake, lets admitted events finish, and releases everything.
 * Not thread-safe: start and close from one thread.
 */
public final class Daemon implements AutoCloseable {
    static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
    /** A worker silent for the longest deadline plus this is stalled (the watchdog stops pinging). */
    static final Duration STALL_GRACE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final RiposteConfig config;
    private final @Nullable Path configFile;
    private final Metrics metrics = new Metrics();
    private final Notifier notifier = Notifier.fromEnvironment(System.getenv());
    private final List<AutoCloseable> started = new ArrayList<>();
    private final TimerScheduler scheduler = new TimerScheduler();
    private NetPolicy netPolicy;
    private Dispatcher dispatcher;
    private volatile ReactionSet reactions;
    private Components.Engine engine;

    private Reloader reloader;
    private @Nullable StateStore store;
    private AuditTrail auditTrail;
    private FollowedFiles followedFiles;
    private StdinSource stdin;
    private Exposition exposition;

    // The parts are made by startAll, which start() runs before it hands the Daemon out (closing it if a part
    // cannot be made): a Daemon anyone holds has them all.
    @SuppressWarnings("NullAway.Init")
    private Daemon(RiposteConfig config, @Nullable Path configFile) {
        this.config = config;
        this.configFile = configFile;
    }

    /**
     * Starts a daemon. {@code configFile} is where {@code config} was read from, read again at each reload
     * (null: the built-in defaults, nothing to read again); {@code listeners} receive every run record
     * besides the run log; {@code stdin}, when not null, is read as a source of events ({@code riposte run
     * --stdin}).
     */
    public static Daemon start(
            RiposteConfig config, @Nullable Path configFile, List<RunListener> listeners, @Nullable InputStream stdin)
            throws IOException {
        Daemon daemon = new Daemon(config, configFile);
        try {
            daemon.startAll(listeners, stdin);
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    private void startAll(List<RunListener> listeners, @Nullable InputStream stdin) throws IOException {
        started.add(scheduler); // closed last: every job that uses it has ended by then
        Components.Store opened = Components.openStore(config);
        store = opened.store();
        if (store != null) {
            started.add(store);
        }
        LocalFiles files = Components.hostFiles(config);
        Components.housekeeping(config, scheduler, metrics);
        // Always kept (riposte stats --prometheus reads it); served over HTTP when metrics.listen is set.
        Exposition exposition = new Exposition(
                metrics,
                () -> netPolicy.status(),
                () -> dispatcher == null ? 0 : dispatcher.inFlight(),
                config.dispatch().queueCapacity(),
                this::sources,
                () -> store == null ? 0 : store.errors(),
                Components.version());
        started.add(exposition);
        this.exposition = exposition;
        netPolicy = NetPolicies.create(config.netpolicy(), opened.blocks(config), exposition, scheduler);
        if (netPolicy instanceof AutoCloseable closeable) {
            started.add(closeable);
        }
        Effects effects = Components.daemon(config, files, netPolicy, opened.keyValues());
        ShellIsolation isolation = ShellIsolation.of(config.shell());
        // Not a warning: most hosts have no shell reactions; a shell reaction that is refused is an error of its own.
        LOG.info(
                "{}{}",
                isolation.mode() == ShellIsolation.Mode.REFUSED ? "shell reactions are refused: " : "",
                isolation.reason());
        engine = Components.engine(config, effects, ShellRunner.inTempDir(isolation, LibC.system()));
        started.add(engine);
        reloader = new Reloader(config, configFile, engine);
        reactions = reloader.load();
        List<RunListener> all = new ArrayList<>();
        all.add(new RunLog());
        if (store != null) {
            AuditTrail trail = new AuditTrail(
                    store, config.state().auditRetention(), config.state().auditMaxRecords(), Clock.systemUTC());
            started.add(trail);
            auditTrail = trail;
            all.add(trail);
        }
        all.addAll(listeners);
        all.add(exposition);
        FollowedFiles followed = FollowedFiles.create(config.intake(), store);
        // Closed after the dispatcher has drained: the last positions include the last events handled.
        started.add(followed::savePositions);
        dispatcher = new Dispatcher(config.dispatch(), engine.runners(), all, metrics, Clock.systemUTC());
        dispatcher.setReactions(new ReactionIndex(reactions.loaded()));
        dispatcher.start();
        started.add(dispatcher);
        // Each followed file finds where it begins (its saved position, or its end) before any socket is
        // bound: an event appended once riposte answers is never taken for one older than its start.
        followed.start(dispatcher, metrics);
        started.add(followed);
        followedFiles = followed;
        IntakeServer intake =
                new IntakeServer(config.intake(), dispatcher, metrics, new DaemonControl(this), Components.ownUid());
        started.add(intake);
        intake.start();
        if (stdin != null) {
            StdinSource source = Components.stdin(config, stdin, dispatcher, metrics);
            started.add(source);
            source.start();
            this.stdin = source;
        }
        if (config.metrics().enabled()) {
            exposition.serve(config.metrics().host(), config.metrics().port());
            LOG.info("metrics: /metrics on {}:{}", config.metrics().host(), exposition.port());
        }
        long sinceJvmStart = System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime();
        LOG.info(
                "ready: {} reactions loaded, {} rejected, netpolicy {}; {} ms after JVM start",
                reactions.loaded().size(),
                reactions.rejected().size(),
                netPolicy.status().backend(),
                sinceJvmStart);
        reloader.watch(this::reload);
        notifier.ready(status());
        // After READY (it takes seconds): the first detections then find the sandbox's path compiled.
        Components.warmup(config, reactions).ifPresent(started::add);
        started.add(new Heartbeat(
                notifier,
                System.getenv(),
                this::status,
                () -> dispatcher.stalled(HeaderParser.MAX_TIMEOUT.plus(STALL_GRACE)),
                scheduler));
    }

    /**
     * Loads every reaction file again and swaps the new set in. A file that is broken now keeps its last
     * good version. Runs already in flight finish with the version they started with. Returns the set.
     */
    public synchronized ReactionSet reload() {
        notifier.reloading();
        ReactionSet fresh = reloader.reload(reactions);
        dispatcher.setReactions(new ReactionIndex(fresh.loaded()));
        reactions = fresh;
        LOG.info(
                "reloaded: {} reactions running, {} files rejected",
                fresh.loaded().size(),
                fresh.rejected().size());
        notifier.ready(status());
        return fresh;
    }

    /** The port /metrics is served on, or -1 when it is not served. */
    public int metricsPort() {
        return config.metrics().enabled() ? exposition.port() : -1;
    }

    /** The series as /metrics serves them (Prometheus text format), for riposte stats --prometheus. */
    public String prometheusText() {
        return exposition.text();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {}: {}", c, e.getMessage());
        }
    }

    /** A short status line for systemd: reactions, events, runs, netpolicy. */
    public String status() {
        Metrics.Snapshot s = metrics.snapshot();
        NetPolicyStatus net = netPolicy.status();
        return reactions.loaded().size() + " reactions; " + s.eventsDone() + " events; runs ok " + s.runsOk()
                + " error "
                + s.runsError() + " timed_out " + s.runsTimedOut() + "; netpolicy " + net.backend()
                + (net.active() ? "" : " (inactive)") + ", " + net.blocked() + " blocked";
    }

    /** The audit trail, or null when the state store could not be opened. */
    public AuditTrail auditTrail() {
        return auditTrail;
    }

    /** The state store, or null when it could not be opened. */
    public @Nullable StateStore store() {
        return store;
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

    /** What each stream source (followed files, standard input) has done. */
    public List<SourceStatus> sources() {
        List<SourceStatus> out = new ArrayList<>(followedFiles == null ? List.of() : followedFiles.statuses());
        if (stdin != null) {
            out.add(stdin.status());
        }
        return out;
    }

    /** Events admitted and not yet done. */
    public int inFlight() {
        return dispatcher.inFlight();
    }

    @Override
    public void close() {
        if (!started.isEmpty()) {
            notifier.stopping();
        }
        closeQuietly(reloader);
        // Reverse start order: intake first (no new events), then the dispatcher drains, then the sandbox.
        for (int i = started.size() - 1; i >= 0; i--) {
            AutoCloseable c = started.get(i);
            try {
                if (c instanceof Dispatcher d && !d.drain(DRAIN_GRACE)) {
                    LOG.warn(
                            "stopping with {} events still in flight after {} s",
                            d.inFlight(),
                            DRAIN_GRACE.toSeconds());
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
