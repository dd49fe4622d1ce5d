package dev.riposte.effect.netpolicy;

import dev.riposte.base.Durations;
import dev.riposte.base.EffectResult;
import dev.riposte.base.Scheduler;
import dev.riposte.base.Text;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code netpolicy.backend: nftables} that could not start: the daemon runs on with the network helpers
 * refusing (and saying why), reports the backend as degraded in stats and STATUS=, and tries again every
 * {@code every} until nftables works; then the working bridge takes over, restoring the stored blocks,
 * and nothing else changes. An operator who asked for nftables gets it back without a restart once the
 * cause is fixed (a module loaded, a capability granted, the package installed). Thread-safe.
 */
final class RetryingNetPolicy implements NetPolicy, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingNetPolicy.class);

    /** One try at the real bridge. */
    @FunctionalInterface
    interface Attempt {
        NetPolicy start() throws Kernel.KernelException;
    }

    private final Attempt attempt;
    private final BlockStore store;
    private final Duration every;
    private final Scheduler.Job retries;
    private volatile NetPolicy current;
    private volatile boolean working;
    private volatile String failure;
    private boolean closed;

    RetryingNetPolicy(String failure, Attempt attempt, BlockStore store, Duration every, Scheduler scheduler) {
        this.attempt = attempt;
        this.store = store;
        this.every = every;
        this.failure = failure;
        this.current = degraded(failure);
        this.retries = scheduler.every("netpolicy-retry", every, every, this::retry);
        LOG.warn(
                "netpolicy: nftables cannot be used ({}); the network helpers refuse until it can, trying again every {}",
                failure,
                Durations.format(every));
    }

    private DisabledNetPolicy degraded(String why) {
        return new DisabledNetPolicy(
                "netpolicy.backend is nftables but nftables cannot be used: " + why + "; degraded, trying again every "
                        + Durations.format(every),
                store);
    }

    private void retry() {
        if (working) {
            return;
        }
        NetPolicy started;
        try {
            started = attempt.start();
        } catch (Kernel.KernelException e) {
            if (!Text.message(e).equals(failure)) {
                failure = Text.message(e);
                current = degraded(failure);
                LOG.warn("netpolicy: nftables still cannot be used: {}", failure);
            }
            return;
        } catch (RuntimeException e) {
            LOG.error("netpolicy: trying nftables again failed", e);
            return;
        }
        synchronized (this) {
            if (closed) {
                closeQuietly(started);
                return;
            }
            current = started;
            working = true;
        }
        retries.cancel();
        LOG.info(
                "netpolicy: nftables works now ({}); the network helpers act again",
                started.status().reason());
    }

    @Override
    public EffectResult block(InetAddress address, Origin origin) {
        return current.block(address, origin);
    }

    @Override
    public EffectResult blockFor(InetAddress address, Duration duration, Origin origin) {
        return current.blockFor(address, duration, origin);
    }

    @Override
    public EffectResult blockDomain(String domain, Origin origin, Duration within) {
        return current.blockDomain(domain, origin, within);
    }

    @Override
    public EffectResult unblock(InetAddress address) {
        return current.unblock(address);
    }

    @Override
    public EffectResult unblockDomain(String domain) {
        return current.unblockDomain(domain);
    }

    @Override
    public List<Block> blocks() {
        return current.blocks();
    }

    @Override
    public List<FollowedDomain> domains() {
        return current.domains();
    }

    @Override
    public EffectResult flush() {
        return current.flush();
    }

    /** The working bridge's status; until then backend nftables, inactive, with the reason and the retry. */
    @Override
    public NetPolicyStatus status() {
        NetPolicyStatus now = current.status();
        return working ? now : new NetPolicyStatus("nftables", false, now.reason(), now.blocked(), now.domains(), 0);
    }

    @Override
    public void close() {
        retries.cancel();
        NetPolicy last;
        synchronized (this) {
            closed = true;
            last = current;
        }
        // A try in progress finds the bridge closed and closes what it started.
        closeQuietly(last);
    }

    private static void closeQuietly(NetPolicy policy) {
        if (policy instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("netpolicy: closing {}: {}", policy, e.getMessage());
            }
        }
    }
}
