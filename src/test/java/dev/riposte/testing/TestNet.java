package dev.riposte.testing;

import dev.riposte.base.Cidr;
import dev.riposte.config.ConfigLoader;
import dev.riposte.effect.netpolicy.DryRunKernel;
import dev.riposte.effect.netpolicy.Enforcer;
import dev.riposte.effect.netpolicy.Guard;
import dev.riposte.effect.netpolicy.Kernel;
import dev.riposte.effect.netpolicy.MemoryBlockStore;
import dev.riposte.effect.netpolicy.Resolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Netpolicy bridges for tests: the real enforcer over a dry-run kernel, and a stand-in for DNS. */
public final class TestNet {
    public static final Enforcer.Settings SETTINGS =
            new Enforcer.Settings(65_536, 64, Duration.ofMinutes(5), Duration.ofSeconds(30));

    private TestNet() {}

    /** The default never_block list plus this host's addresses, as in production. */
    public static Guard guard() {
        return Guard.forHost(
                ConfigLoader.DEFAULT_NEVER_BLOCK.stream().map(Cidr::parse).toList(), List.of("nft"));
    }

    public static Enforcer dryRun(Clock clock) throws Kernel.KernelException {
        return dryRun(clock, new FakeDns());
    }

    public static Enforcer dryRun(Clock clock, Resolver resolver) throws Kernel.KernelException {
        return Enforcer.start(
                new DryRunKernel(clock),
                new MemoryBlockStore(),
                guard(),
                resolver,
                SETTINGS,
                clock,
                new ManualScheduler());
    }

    /**
     * Test double for DNS, which tests cannot reach: names under {@code .example} resolve to one address in
     * 203.0.113.0/24 (TEST-NET-3) derived from the name, {@code localhost.example} to 127.0.0.1, and
     * anything else does not exist.
     */
    public static final class FakeDns implements Resolver {
        @Override
        public List<InetAddress> resolve(String domain) throws ResolveException {
            try {
                if (domain.equals("localhost.example")) {
                    return List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
                }
                if (domain.endsWith(".example")) {
                    int last = 1 + Math.floorMod(domain.hashCode(), 250);
                    return List.of(InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, (byte) last}));
                }
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            throw new ResolveException(domain + " does not resolve (no such name)");
        }
    }
}
