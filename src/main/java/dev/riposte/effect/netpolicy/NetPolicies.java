package dev.riposte.effect.netpolicy;

import dev.riposte.config.RiposteConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the bridge the configuration asks for, degrading to disabled (with the reason) when nft cannot work. */
public final class NetPolicies {
    private static final Logger LOG = LoggerFactory.getLogger(NetPolicies.class);

    private NetPolicies() {}

    /** The guarded bridge for {@code config}; logs one line saying which backend runs and why. */
    public static NetPolicy create(RiposteConfig.NetPolicy config) {
        List<Cidr> neverBlock = config.neverBlock().stream().map(Cidr::parse).toList();
        return new GuardedNetPolicy(backend(config, new ProcessNftRunner(config.nftCommand())), neverBlock);
    }

    /**
     * Why network helpers would be disabled with this configuration, or null when they would work. Only
     * reads (nft list tables): never changes the firewall.
     */
    public static String probe(RiposteConfig.NetPolicy config) {
        return switch (config.backend()) {
            case DISABLED -> "netpolicy.backend is disabled in the configuration";
            case DRY_RUN -> null;
            case NFTABLES, AUTO -> {
                try {
                    NftRunner.Result r = new ProcessNftRunner(config.nftCommand()).listJson("list", "tables");
                    yield r.ok() ? null : "netpolicy.backend is " + spelled(config.backend())
                            + " but nftables cannot be used: " + NftNetPolicy.explain(r);
                } catch (NftUnavailableException e) {
                    yield "netpolicy.backend is " + spelled(config.backend()) + " but nftables cannot be used: "
                            + e.getMessage();
                }
            }
        };
    }

    static NetPolicy backend(RiposteConfig.NetPolicy config, NftRunner nft) {
        NetPolicy backend = switch (config.backend()) {
            case DISABLED -> new DisabledNetPolicy("netpolicy.backend is disabled in the configuration");
            case DRY_RUN -> new DryRunNetPolicy();
            case NFTABLES, AUTO -> {
                try {
                    yield NftNetPolicy.start(nft);
                } catch (NftUnavailableException e) {
                    yield new DisabledNetPolicy("netpolicy.backend is " + spelled(config.backend())
                            + " but nftables cannot be used: " + e.getMessage());
                }
            }
        };
        NetPolicyStatus status = backend.status();
        if (status.active()) {
            LOG.info("netpolicy: backend {} ({})", status.backend(), status.reason());
        } else {
            LOG.warn("netpolicy: network helpers are disabled: {}", status.reason());
        }
        return backend;
    }

    private static String spelled(RiposteConfig.Backend backend) {
        return backend.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
