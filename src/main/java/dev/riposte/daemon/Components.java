package dev.riposte.daemon;

import dev.riposte.audit.AuditTrail;
import dev.riposte.base.EffectResult;
import dev.riposte.base.Scheduler;
import dev.riposte.base.Text;
import dev.riposte.base.TimerScheduler;
import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.effect.Effects;
import dev.riposte.effect.emergency.Emergency;
import dev.riposte.effect.emergency.HostEmergency;
import dev.riposte.effect.emergency.RefusingEmergency;
import dev.riposte.effect.files.EvidenceRetention;
import dev.riposte.effect.files.LocalFiles;
import dev.riposte.effect.files.RelocatedFiles;
import dev.riposte.effect.netpolicy.BlockStore;
import dev.riposte.effect.netpolicy.Enforcer;
import dev.riposte.effect.netpolicy.Kernel;
import dev.riposte.effect.netpolicy.MemoryBlockStore;
import dev.riposte.effect.netpolicy.NetPolicies;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.effect.netpolicy.SqliteBlockStore;
import dev.riposte.effect.os.LibC;
import dev.riposte.effect.process.LocalProcesses;
import dev.riposte.effect.state.KeyValues;
import dev.riposte.effect.state.SqliteKeyValues;
import dev.riposte.effect.state.StateStore;
import dev.riposte.effect.state.StoreException;
import dev.riposte.effect.state.UnavailableKeyValues;
import dev.riposte.event.FormatChoice;
import dev.riposte.helpers.RunLimits;
import dev.riposte.intake.StdinSource;
import dev.riposte.intake.StreamIntake;
import dev.riposte.intake.file.FollowedFiles;
import dev.riposte.match.Code;
import dev.riposte.match.ReactionLoader;
import dev.riposte.match.ReactionSet;
import dev.riposte.sandbox.Runners;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.sandbox.ShellIsolation;
import dev.riposte.sandbox.ShellRunner;
import dev.riposte.sandbox.TestIsolation;
import dev.riposte.sandbox.Warmup;
import dev.riposte.service.IdleTrim;
import dev.riposte.stats.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How riposte's parts are made from a configuration: the one place that says which class does what.
 * {@code riposte run}, {@code test} and {@code check} build what runs reactions here and differ in the
 * effects they hand the reactions: the host's for the daemon ({@link Daemon}), dry-run ones in a throwaway
 * directory for {@link #forTest}, refusals for {@link #forCheck}. Its ~300 lines are one short factory
 * per part; split, the answer to "where is X made" would be in several places again.
 */
public final class Components {
    static final Duration RETENTION_PERIOD = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(Components.class);
    /** The state store's tables, each step written beside the table's owner. */
    public static final List<StateStore.Migration> SCHEMA = Stream.of(
                    SqliteKeyValues.SCHEMA, AuditTrail.SCHEMA, SqliteBlockStore.SCHEMA, FollowedFiles.SCHEMA)
            .flatMap(List::stream)
            .toList();

    private Components() {}

    /**
     * What runs reactions: the JavaScript sandbox with its effects and the shell runner, and the loader
     * that reads reaction files for both. Closing it closes the sandbox.
     */
    public record Engine(Sandbox sandbox, ShellRunner shell) implements AutoCloseable {
        /** A loader whose reactions without {@code @timeout} get {@code defaultTimeout}. */
        public ReactionLoader loader(Duration defaultTimeout) {
            return new ReactionLoader(sandbox, shell, defaultTimeout);
        }

        /** Runs a reaction of either kind. */
        public Runners runners() {
            return new Runners(sandbox, shell);
        }

        @Override
        public void close() {
            sandbox.close();
        }
    }

    /** The engine for {@code config}'s reactions settings, with {@code effects} and {@code shell}. */
    static Engine engine(RiposteConfig config, Effects effects, ShellRunner shell) {
        return new Engine(
                Sandbox.withEffects(
                        effects,
                        config.reactions().defaultTimeout(),
                        config.reactions().maxAllocBytes(),
                        RunLimits.of(config)),
                shell);
    }

    /** {@code riposte check}: reactions are loaded and validated as the daemon would; none runs. */
    public static Engine forCheck(RiposteConfig config) {
        return engine(
                config,
                Effects.refusing("riposte check runs nothing"),
                ShellRunner.inTempDir(ShellIsolation.of(config.shell()), LibC.system()));
    }

    /**
     * {@code riposte test}: reactions run for real on effects that record instead of acting, all in
     * {@code work} (which the caller removes). Blocks go to a dry-run kernel with the real rails, kills make
     * every check but send no signal, the emergency helpers answer as configured without acting, files are
     * written into {@code work/evidence} but shown at {@code evidence.dir}, and the store is a fresh one.
     * Shell reactions run in bubblewrap ({@link TestIsolation}), or not at all.
     */
    public static DryRun forTest(RiposteConfig config, Path work)
            throws IOException, StoreException, Kernel.KernelException {
        TimerScheduler scheduler = new TimerScheduler();
        StateStore store = null;
        Enforcer net = null;
        try {
            store = StateStore.open(work.resolve("state.db"), SCHEMA);
            net = NetPolicies.dryRun(config.netpolicy(), scheduler);
            LocalFiles files = new LocalFiles(
                    new RiposteConfig.Evidence(
                            work.resolve("evidence"),
                            config.evidence().maxFileBytes(),
                            config.evidence().retention(),
                            config.evidence().maxBytes()),
                    new RiposteConfig.Files(
                            List.of(),
                            config.files().readRoots(),
                            config.files().readDeny(),
                            config.files().maxReadBytes()),
                    List.of(config.state().path().toAbsolutePath()));
            files.prepare();
            Effects effects = new Effects(
                    new RelocatedFiles(files, config.evidence().dir(), work.resolve("evidence")),
                    net,
                    LocalProcesses.dryRun(config.kill().minPid()),
                    keyValues(config, store),
                    emergency(config, new RecordedEmergency()));
            Engine engine =
                    engine(config, effects, new ShellRunner(work, TestIsolation.of(config.shell()), LibC.system()));
            return new DryRun(engine, net, store, scheduler);
        } catch (StoreException | Kernel.KernelException | IOException | RuntimeException e) {
            if (net != null) {
                net.close();
            }
            if (store != null) {
                store.close();
            }
            scheduler.close();
            throw e;
        }
    }

    /** What {@link #forTest} made; closing it closes each part. */
    public record DryRun(Engine engine, Enforcer net, StateStore store, TimerScheduler scheduler)
            implements AutoCloseable {
        @Override
        public void close() {
            engine.close();
            net.close();
            store.close();
            scheduler.close();
        }
    }

    /**
     * The state store as opened for the daemon: {@code store} is null when it cannot be opened (damaged,
     * unreadable); the daemon still runs then, the Data* helpers fail with the reason, and blocks are kept
     * in memory.
     */
    record Store(@Nullable StateStore store, KeyValues keyValues) {
        /** Where the bridge keeps its blocks. */
        BlockStore blocks(RiposteConfig config) {
            if (store != null) {
                return new SqliteBlockStore(store);
            }
            if (config.netpolicy().backend() != RiposteConfig.Backend.DISABLED) {
                LOG.warn("netpolicy: blocks are kept in memory only while the state store is unavailable");
            }
            return new MemoryBlockStore();
        }
    }

    /** Opens {@code state.path}; when it cannot be, says so once (see {@link Store}). */
    static Store openStore(RiposteConfig config) {
        try {
            StateStore opened = StateStore.open(config.state().path(), SCHEMA);
            return new Store(opened, keyValues(config, opened));
        } catch (StoreException e) {
            LOG.error("state store unavailable, the Data* helpers will fail until it is repaired: {}", e.getMessage());
            return new Store(null, new UnavailableKeyValues(Text.message(e)));
        }
    }

    /** The host's files as reactions reach them, the state store's own files out of their reach; prepared. */
    static LocalFiles hostFiles(RiposteConfig config) throws IOException {
        Path db = config.state().path().toAbsolutePath();
        LocalFiles files = new LocalFiles(
                config.evidence(),
                config.files(),
                List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"), Path.of(db + "-journal")));
        files.prepare();
        return files;
    }

    /**
     * The daemon's own periodic jobs: sweeps the evidence directory at start and every
     * {@link #RETENTION_PERIOD}, and gives memory back after a burst of events ({@link IdleTrim}).
     */
    static void housekeeping(RiposteConfig config, Scheduler scheduler, Metrics metrics) {
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

    /**
     * The sandbox's warm-up, started, when {@code reactions.warmup_runs} asks for one and a JavaScript
     * reaction is loaded (shell reactions and recipes alone have nothing to warm up).
     */
    static Optional<Warmup> warmup(RiposteConfig config, ReactionSet reactions) {
        if (config.reactions().warmupRuns() <= 0
                || reactions.loaded().stream().noneMatch(r -> r.code() instanceof Code.Js)) {
            return Optional.empty();
        }
        return Optional.of(Warmup.start(
                config.reactions().defaultTimeout(),
                config.reactions().maxAllocBytes(),
                RunLimits.of(config),
                config.reactions().warmupRuns()));
    }

    /** Standard input as a source of events in any format ({@code riposte run --stdin}), not yet started. */
    static StdinSource stdin(RiposteConfig config, InputStream in, Dispatcher dispatcher, Metrics metrics) {
        return new StdinSource(
                in,
                new StreamIntake("standard input", FormatChoice.AUTO, dispatcher, metrics),
                config.intake().maxEventBytes());
    }

    /** riposte's version, from its jar ("dev" when run from classes): the exposition's label. */
    static String version() {
        String v = Components.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The uid this process runs as: the intake sockets admit it besides root and the allowed ids. */
    static int ownUid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** The Data* helpers' store over {@code store}, with the configured limits. */
    static KeyValues keyValues(RiposteConfig config, StateStore store) {
        return new SqliteKeyValues(
                store, config.state().maxKeysPerReaction(), config.state().maxResultBytes());
    }

    /** {@code enabled} when {@code emergency.enabled} is true, else the helpers refuse with that reason. */
    static Emergency emergency(RiposteConfig config, Emergency enabled) {
        return config.emergency().enabled()
                ? enabled
                : new RefusingEmergency("emergency helpers are disabled (emergency.enabled is false)");
    }

    /** The daemon's effects: the host's files, the bridge, its processes, the store and the emergency helpers. */
    static Effects daemon(RiposteConfig config, LocalFiles files, NetPolicy net, KeyValues store) {
        return new Effects(
                files, net, new LocalProcesses(config.kill().minPid()), store, emergency(config, new HostEmergency()));
    }

    /** The emergency helpers of a dry run, when they are enabled: they answer as if done and do nothing. */
    private static final class RecordedEmergency implements Emergency {
        @Override
        public EffectResult powerOff() {
            LoggerFactory.getLogger("riposte.reaction").warn("dry run: would power the machine off");
            return EffectResult.done();
        }

        @Override
        public EffectResult panic() {
            LoggerFactory.getLogger("riposte.reaction").warn("dry run: would crash the kernel");
            return EffectResult.done();
        }
    }
}
