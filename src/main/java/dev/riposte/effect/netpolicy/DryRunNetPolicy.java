package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records and logs what it would block, touching nothing; answers as nftables would, timers included.
 * Domains are recorded, not resolved. Thread-safe.
 */
public final class DryRunNetPolicy implements NetPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(DryRunNetPolicy.class);
    /** Address to the end of its block; {@link Instant#MAX} for a block without a time limit. */
    private final Map<InetAddress, Instant> blocked = new HashMap<>();
    private final Set<String> domains = new HashSet<>();
    private final Clock clock;

    public DryRunNetPolicy() {
        this(Clock.systemUTC());
    }

    public DryRunNetPolicy(Clock clock) {
        this.clock = clock;
    }

    private boolean isBlocked(InetAddress address) {
        Instant until = blocked.get(address);
        return until != null && until.isAfter(clock.instant());
    }

    @Override
    public synchronized EffectResult block(InetAddress address) {
        if (Instant.MAX.equals(blocked.get(address))) {
            return EffectResult.unchanged();
        }
        blocked.put(address, Instant.MAX);
        LOG.info("netpolicy dry-run: would block {}", address.getHostAddress());
        return EffectResult.done();
    }

    @Override
    public synchronized EffectResult blockFor(InetAddress address, Duration duration) {
        if (Instant.MAX.equals(blocked.get(address))) {
            return EffectResult.unchanged();
        }
        blocked.put(address, clock.instant().plus(duration));
        LOG.info("netpolicy dry-run: would block {} for {} s", address.getHostAddress(), duration.toSeconds());
        return EffectResult.done();
    }

    @Override
    public synchronized EffectResult blockDomain(String domain) {
        if (!domains.add(domain)) {
            return EffectResult.unchanged();
        }
        LOG.info("netpolicy dry-run: would block and follow domain {}", domain);
        return EffectResult.done();
    }

    @Override
    public synchronized EffectResult unblock(InetAddress address) {
        boolean was = isBlocked(address);
        blocked.remove(address);
        if (!was) {
            return EffectResult.unchanged();
        }
        LOG.info("netpolicy dry-run: would unblock {}", address.getHostAddress());
        return EffectResult.done();
    }

    @Override
    public synchronized NetPolicyStatus status() {
        long active = blocked.keySet().stream().filter(this::isBlocked).count();
        return new NetPolicyStatus("dry-run", true, "netpolicy.backend is dry-run: blocks are logged, not applied",
                (int) active);
    }
}
