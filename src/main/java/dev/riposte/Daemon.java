package dev.riposte;

import dev.riposte.audit.AuditTrail;
import dev.riposte.audit.RunLog;
import dev.riposte.config.ConfigException;
import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.dispatch.RunListener;
import dev.riposte.effect.Effects;
import dev.riposte.effect.emergency.Emergency;
import dev.riposte.effect.emergency.HostEmergency;
import dev.riposte.effect.emergency.RefusingEmergency;
import dev.riposte.effect.files.EvidenceRetention;
import dev.riposte.effect.files.LocalFiles;
import dev.riposte.effect.netpolicy.BlockStore;
import dev.riposte.effect.netpolicy.MemoryBlockStore;
import dev.riposte.effect.netpolicy.NetPolicies;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.effect.netpolicy.NetPolicyStatus;
import dev.riposte.effect.netpolicy.SqliteBlockStore;
import dev.riposte.effect.process.LocalProcesses;
import dev.riposte.event.FormatChoice;
import dev.riposte.helpers.RunLimits;
import dev.riposte.intake.IntakeServer;
import dev.riposte.intake.SourceStatus;
import dev.riposte.intake.StdinSource;
import dev.riposte.intake.StreamIntake;
import dev.riposte.intake.file.FollowedFiles;
import dev.riposte.match.Code;
import dev.riposte.match.HeaderParser;
import dev.riposte.match.ReactionIndex;
import dev.riposte.match.ReactionLoader;
import dev.riposte.match.ReactionSet;
import dev.riposte.prometheus.Exposition;
import dev.riposte.sandbox.Runners;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.sandbox.ShellIsolation;
import dev.riposte.sandbox.ShellRunner;
import dev.riposte.sandbox.Warmup;
import dev.riposte.service.DirectoryWatch;
import dev.riposte.service.Heartbeat;
import dev.riposte.service.IdleTrim;
import dev.riposte.service.Notifier;
import dev.riposte.state.KeyValues;
import dev.riposte.state.SqliteKeyValues;
import dev.riposte.state.StateStore;
import dev.riposte.state.StoreException;
import dev.riposte.state.UnavailableKeyValues;
import dev.riposte.stats.Metrics;
import dev.riposte.time.Durations;
import dev.riposte.time.TimerScheduler;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    static final Duration RETENTION_PERIOD = Duration.ofMinutes(10);
    /** A worker silent for the longest deadline plus this is stalled (the watchdog stops pinging). */
    static final Duration STALL_GRACE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final RiposteConfig config;
    private final Metrics metrics = new Metrics();
    private final Notifier notifier = Notifier.fromEnvironment(System.getenv());
    private final List<AutoCloseable> started = new ArrayList<>();
    private final TimerScheduler scheduler = new TimerScheduler();
    private NetPolicy netPolicy;
    private Dispatcher dispatcher;
    private volatile ReactionSet reactions;
    private ReactionLoader loader;
    private Sandbox sandbox;
    private ShellRunner shell;
    /** The reactions settings that change on reload (dir, default timeout). */
    private RiposteConfig.Reactions liveReactions;

    private DirectoryWatch watch;
    private StateStore store;
    private AuditTrail auditTrail;
    private FollowedFiles followedFiles;
    private StdinSource stdin;
    private Exposition exposition;

    private Daemon(RiposteConfig config) {
        this.config = config;
    }

    /** Starts a daemon; {@code listeners} receive every run record besides the run log. */
    public static Daemon start(RiposteConfig config, List<RunListener> listeners) throws IOException {
        return start(config, listeners, null);
    }

    /**
     * Starts a daemon that also reads {@code stdin} as a source of events ({@code riposte run --stdin});
     * null for none.
     */
    public static Daemon start(RiposteConfig config, List<RunListener> listeners, InputStream stdin)
            throws IOException {
        Daemon daemon = new Daemon(config);
        try {
            daemon.startAll(listeners, stdin);
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    private void startAll(List<RunListener> listeners, InputStream stdin) throws IOException {
        started.add(scheduler); // closed last: every job that uses it has ended by then
        KeyValues keyValues = openStore();
        Path db = config.state().path().toAbsolutePath();
        LocalFiles files = new LocalFiles(
                config.evidence(),
                config.files(),
                List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"), Path.of(db + "-journal")));
        files.prepare();
        startTimer();
        BlockStore blockStore = store != null ? new SqliteBlockStore(store) : new MemoryBlockStore();
        if (store == null && config.netpolicy().backend() != RiposteConfig.Backend.DISABLED) {
            LOG.warn("netpolicy: blocks are kept in memory only while the state store is unavailable");
        }
        // Always kept (riposte stats --prometheus reads it); served over HTTP when metrics.listen is set.
        Exposition exposition = new Exposition(
                metrics,
                () -> netPolicy.status(),
                () -> dispatcher == null ? 0 : dispatcher.inFlight(),
                config.dispatch().queueCapacity(),
                this::sources,
                () -> store == null ? 0 : store.errors(),
                version());
        started.add(exposition);
        this.exposition = exposition;
        netPolicy = NetPolicies.create(config.netpolicy(), blockStore, exposition, scheduler);
        if (netPolicy instanceof AutoCloseable closeable) {
            started.add(closeable);
        }
        Emergency emergency = config.emergency().enabled()
                ? new HostEmergency()
                : new RefusingEmergency("emergency helpers are disabled (emergency.enabled is false)");
        Effects effects =
                new Effects(files, netPolicy, new LocalProcesses(config.kill().minPid()), keyValues, emergency);
        Sandbox sandbox = Sandbox.withEffects(
                effects, config.reactions().defaultTimeout(), config.reactions().maxAllocBytes(), RunLimits.of(config));
        started.add(sandbox);
        ShellIsolation isolation = ShellIsolation.of(config.shell());
        // Not a warning: most hosts have no shell reactions; a shell reaction that is refused is an error of its own.
        LOG.info(
                "{}{}",
                isolation.mode() == ShellIsolation.Mode.REFUSED ? "shell reactions are refused: " : "",
                isolation.reason());
        shell = ShellRunner.inTempDir(isolation);
        this.sandbox = sandbox;
        liveReactions = config.reactions();
        loader = new ReactionLoader(sandbox, shell, liveReactions.defaultTimeout());
        // Watched before it is read: a file copied in while riposte starts is loaded by the first reload.
        watch = DirectoryWatch.watch(liveReactions.dir());
        reactions = loader.loadDirectory(liveReactions.dir());
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
        dispatcher = new Dispatcher(config.dispatch(), new Runners(sandbox, shell), all, metrics, Clock.systemUTC());
        dispatcher.setReactions(new ReactionIndex(reactions.loaded()));
        dispatcher.start();
        started.add(dispatcher);
        // Each followed file finds where it begins (its saved position, or its end) before any socket is
        // bound: an event appended once riposte answers is never taken for one older than its start.
        followed.start(dispatcher, metrics);
        started.add(followed);
        followedFiles = followed;
        IntakeServer intake = new IntakeServer(config.intake(), dispatcher, metrics, new DaemonControl(this), ownUid());
        started.add(intake);
        intake.start();
        if (stdin != null) {
            StdinSource source = new StdinSource(
                    stdin,
                    new StreamIntake("standard input", FormatChoice.AUTO, dispatcher, metrics),
                    config.intake().maxEventBytes());
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
        watch.start(this::reload);
        notifier.ready(status());
        // After READY (it takes seconds): the first detections then find the sandbox's path compiled.
        if (config.reactions().warmupRuns() > 0
                && reactions.loaded().stream().anyMatch(r -> r.code() instanceof Code.Js)) {
            started.add(Warmup.start(
                    config.reactions().defaultTimeout(),
                    config.reactions().maxAllocBytes(),
                    RunLimits.of(config),
                    config.reactions().warmupRuns()));
        }
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
        applyConfigurationFile();
        ReactionSet fresh = loader.loadDirectory(liveReactions.dir()).keepingGoodVersionsOf(reactions);
        dispatcher.setReactions(new ReactionIndex(fresh.loaded()));
        reactions = fresh;
        LOG.info(
                "reloaded: {} reactions running, {} files rejected",
                fresh.loaded().size(),
                fresh.rejected().size());
        notifier.ready(status());
        return fresh;
    }

    /** Where the configuration came from (for reloads), or null. */
    private Path configFile;

    /** riposte's version, from its jar ("dev" when run from classes). */
    static String version() {
        String v = Daemon.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The port /metrics is served on, or -1 when it is not served. */
    public int metricsPort() {
        return config.metrics().enabled() ? exposition.port() : -1;
    }

    /** The series as /metrics serves them (Prometheus text format), for riposte stats --prometheus. */
    public String prometheusText() {
        return exposition.text();
    }

    /** Remembers the configuration file, so that a reload can say whether it changed. */
    public void configFile(Path file) {
        this.configFile = file;
    }

    /**
     * Reads the configuration file again. {@code reactions.dir} and {@code reactions.default_timeout}
     * change live (the directory watch follows a new directory); every other section is built into the
     * running daemon (sockets, store, bridge, pool, sandbox), so a change there is logged as waiting for a
     * restart. An invalid file is reported and changes nothing.
     */
    private void applyConfigurationFile() {
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
        if (!wanted.dir().equals(liveReactions.dir())
                || !wanted.defaultTimeout().equals(liveReactions.defaultTimeout())) {
            if (!wanted.dir().equals(liveReactions.dir())) {
                closeQuietly(watch);
                watch = DirectoryWatch.start(wanted.dir(), this::reload);
            }
            liveReactions = new RiposteConfig.Reactions(
                    wanted.dir(),
                    wanted.defaultTimeout(),
                    liveReactions.maxAllocBytes(),
                    liveReactions.maxLogLines(),
                    liveReactions.maxLogBytes(),
                    liveReactions.warmupRuns());
            loader = new ReactionLoader(sandbox, shell, liveReactions.defaultTimeout());
            LOG.info(
                    "configuration: reactions.dir {} and reactions.default_timeout {} now apply",
                    liveReactions.dir(),
                    Durations.format(liveReactions.defaultTimeout()));
        }
        List<String> waiting = new ArrayList<>();
        waitIfChanged(
                waiting,
                "reactions.max_alloc_bytes",
                config.reactions().maxAllocBytes(),
                now.reactions().maxAllocBytes());
        waitIfChanged(
                waiting,
                "reactions.max_log_lines",
                config.reactions().maxLogLines(),
                now.reactions().maxLogLines());
        waitIfChanged(
                waiting,
                "reactions.max_log_bytes",
                config.reactions().maxLogBytes(),
                now.reactions().maxLogBytes());
        waitIfChanged(
                waiting,
                "reactions.warmup_runs",
                config.reactions().warmupRuns(),
                now.reactions().warmupRuns());
        waitIfChanged(waiting, "intake", config.intake(), now.intake());
        waitIfChanged(waiting, "dispatch", config.dispatch(), now.dispatch());
        waitIfChanged(waiting, "shell", config.shell(), now.shell());
        waitIfChanged(waiting, "evidence", config.evidence(), now.evidence());
        waitIfChanged(waiting, "files", config.files(), now.files());
        waitIfChanged(waiting, "netpolicy", config.netpolicy(), now.netpolicy());
        waitIfChanged(waiting, "state", config.state(), now.state());
        waitIfChanged(waiting, "kill", config.kill(), now.kill());
        waitIfChanged(waiting, "emergency", config.emergency(), now.emergency());
        waitIfChanged(waiting, "log", config.log(), now.log());
        if (!waiting.isEmpty()) {
            LOG.warn(
                    "{} has changed in {}; that takes effect at the next restart",
                    configFile,
                    String.join(", ", waiting));
        }
    }

    private static void waitIfChanged(List<String> waiting, String name, Object running, Object inFile) {
        if (!running.equals(inFile)) {
            waiting.add(name);
        }
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

    /**
     * Opens the state store. If it cannot be opened (damaged, unreadable), the daemon still runs: the
     * store helpers fail with the reason, which is logged here once.
     */
    private KeyValues openStore() {
        try {
            StateStore opened = StateStore.open(config.state().path());
            started.add(opened);
            store = opened;
            return new SqliteKeyValues(
                    opened, config.state().maxKeysPerReaction(), config.state().maxResultBytes());
        } catch (StoreException e) {
            LOG.error("state store unavailable, the Data* helpers will fail until it is repaired: {}", e.getMessage());
            return new UnavailableKeyValues(e.getMessage());
        }
    }

    /**
     * The daemon's own periodic jobs: sweeps the evidence directory at start and every {@link #RETENTION_PERIOD},
     * and gives memory back after a burst of events ({@link IdleTrim}).
     */
    private void startTimer() {
        EvidenceRetention retention = new EvidenceRetention(
                config.evidence().dir(),
                config.evidence().retention(),
                config.evidence().maxBytes());
        scheduler.every("evidence-retention", Duration.ZERO, RETENTION_PERIOD, () -> {
            try {
                retention.sweep(Instant.now());
            } catch (IOException e) {
                LOG.warn("evidence retention: sweep failed: {}", e.getMessage());
            }
        });
        IdleTrim trim = new IdleTrim(metrics::eventsDone, System::gc);
        scheduler.every("idle-trim", IdleTrim.EVERY, IdleTrim.EVERY, trim::check);
    }

    /** The audit trail, or null when the state store could not be opened. */
    public AuditTrail auditTrail() {
        return auditTrail;
    }

    /** The state store, or null when it could not be opened. */
    public StateStore store() {
        return store;
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
        closeQuietly(watch);
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
