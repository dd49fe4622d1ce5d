package dev.riposte.effect.netpolicy;

import dev.riposte.base.Cidr;
import dev.riposte.base.Scheduler;
import dev.riposte.base.Text;
import dev.riposte.config.RiposteConfig;
import dev.riposte.effect.os.LibC;
import dev.riposte.effect.os.LibNftables;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the bridge the configuration asks for, degrading to disabled (with the reason) when nft cannot work. */
public final class NetPolicies {
    private static final Logger LOG = LoggerFactory.getLogger(NetPolicies.class);

    private NetPolicies() {}

    /**
     * The bridge for {@code config}, keeping its blocks in {@code store} and telling {@code writes} of every
     * write to the kernel's sets; logs one line saying which backend runs and why.
     */
    public static NetPolicy create(
            RiposteConfig.NetPolicy config, BlockStore store, KernelWrites writes, Scheduler scheduler) {
        return create(
                config,
                store,
                runner(config),
                new SystemResolver(config.resolveTimeout()),
                Clock.systemUTC(),
                scheduler,
                writes);
    }

    /**
     * A bridge over a dry-run kernel, with the real rails and an empty store of its own, whatever the
     * configured backend: what {@code riposte test} blocks with.
     */
    public static Enforcer dryRun(RiposteConfig.NetPolicy config, Scheduler scheduler) throws Kernel.KernelException {
        return Enforcer.start(
                new DryRunKernel(Clock.systemUTC()),
                new MemoryBlockStore(),
                guard(config),
                new SystemResolver(config.resolveTimeout()),
                Enforcer.Settings.of(config),
                Clock.systemUTC(),
                scheduler);
    }

    /** The addresses {@code never_block} and the host's own network keep from being blocked. */
    private static Guard guard(RiposteConfig.NetPolicy config) {
        return Guard.forHost(config.neverBlock().stream().map(Cidr::parse).toList(), config.nftCommand());
    }

    /** libnftables, loaded on first use, once per process; null when it cannot be (the reason is logged then). */
    private static final class Library {
        static final @Nullable LibNftables LOADED = load();

        private static @Nullable LibNftables load() {
            try {
                return LibNftables.load();
            } catch (IllegalStateException e) {
                LOG.warn("netpolicy: {}; nft_command runs as a process for each batch instead", e.getMessage());
                return null;
            }
        }
    }

    /**
     * How {@code config} reaches nftables: libnftables in this process when {@code nft_in_process} is on,
     * the command is the plain {@code nft} (alone or in a namespace) and the library loads; otherwise the
     * command, one process per batch.
     */
    static NftRunner runner(RiposteConfig.NetPolicy config) {
        NftCommand command = new NftCommand(config.nftCommand());
        if (config.nftInProcess() && command.plainNft()) {
            LibNftables lib = Library.LOADED;
            if (lib != null) {
                return new LibraryNftRunner(lib, LibC.system(), command.namespace());
            }
        }
        return new ProcessNftRunner(config.nftCommand());
    }

    static NetPolicy create(
            RiposteConfig.NetPolicy config,
            BlockStore store,
            NftRunner nft,
            Resolver resolver,
            Clock clock,
            Scheduler scheduler,
            KernelWrites writes) {
        Guard guard = guard(config);
        Enforcer.Settings settings = Enforcer.Settings.of(config);
        NetPolicy policy = switch (config.backend()) {
            case DISABLED -> new DisabledNetPolicy("netpolicy.backend is disabled in the configuration", store);
            case DRY_RUN ->
                start(
                        new TimedKernel(new DryRunKernel(clock), writes, System::nanoTime),
                        store,
                        guard,
                        resolver,
                        settings,
                        clock,
                        scheduler,
                        config);
            case NFTABLES, AUTO ->
                start(
                        new TimedKernel(new NftKernel(nft), writes, System::nanoTime),
                        store,
                        guard,
                        resolver,
                        settings,
                        clock,
                        scheduler,
                        config);
        };
        NetPolicyStatus status = policy.status();
        if (status.active()) {
            LOG.info("netpolicy: backend {} ({})", status.backend(), status.reason());
        } else if (!(policy instanceof RetryingNetPolicy)) {
            LOG.warn("netpolicy: network helpers are disabled: {}", status.reason());
        }
        return policy;
    }

    /** How often an explicit nftables backend that could not start is tried again. */
    static final Duration RETRY = Duration.ofSeconds(30);

    /**
     * The bridge over {@code kernel}. When it cannot start: {@code auto} runs disabled (nftables was
     * optional); an explicit {@code nftables} runs degraded and tries again ({@link RetryingNetPolicy}).
     */
    private static NetPolicy start(
            Kernel kernel,
            BlockStore store,
            Guard guard,
            Resolver resolver,
            Enforcer.Settings settings,
            Clock clock,
            Scheduler scheduler,
            RiposteConfig.NetPolicy config) {
        try {
            return Enforcer.start(kernel, store, guard, resolver, settings, clock, scheduler);
        } catch (Kernel.KernelException e) {
            if (config.backend() == RiposteConfig.Backend.NFTABLES) {
                return new RetryingNetPolicy(
                        Text.message(e),
                        () -> Enforcer.start(kernel, store, guard, resolver, settings, clock, scheduler),
                        store,
                        RETRY,
                        scheduler);
            }
            return new DisabledNetPolicy(
                    "netpolicy.backend is " + spelled(config.backend()) + " but nftables cannot be used: "
                            + e.getMessage(),
                    store);
        }
    }

    /**
     * Why network helpers would be disabled with this configuration, or null when they would work. Only
     * reads (nft list tables): never changes the firewall.
     */
    public static @Nullable String probe(RiposteConfig.NetPolicy config) {
        return switch (config.backend()) {
            case DISABLED -> "netpolicy.backend is disabled in the configuration";
            case DRY_RUN -> null;
            case NFTABLES, AUTO -> {
                try {
                    NftRunner.Result r = runner(config).listJson("list", "tables");
                    yield r.ok()
                            ? null
                            : "netpolicy.backend is " + spelled(config.backend()) + " but nftables cannot be used: "
                                    + NftKernel.explain(r);
                } catch (NftUnavailableException e) {
                    yield "netpolicy.backend is " + spelled(config.backend()) + " but nftables cannot be used: "
                            + e.getMessage();
                }
            }
        };
    }

    private static String spelled(RiposteConfig.Backend backend) {
        return backend.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
