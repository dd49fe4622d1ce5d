package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records and logs what it would block, touching nothing; answers as nftables would. Thread-safe. */
public final class DryRunNetPolicy implements NetPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(DryRunNetPolicy.class);
    private final Set<InetAddress> blocked = new HashSet<>();

    @Override
    public synchronized EffectResult block(InetAddress address) {
        if (!blocked.add(address)) {
            return EffectResult.unchanged();
        }
        LOG.info("netpolicy dry-run: would block {}", address.getHostAddress());
        return EffectResult.done();
    }

    @Override
    public synchronized EffectResult unblock(InetAddress address) {
        if (!blocked.remove(address)) {
            return EffectResult.unchanged();
        }
        LOG.info("netpolicy dry-run: would unblock {}", address.getHostAddress());
        return EffectResult.done();
    }

    @Override
    public synchronized NetPolicyStatus status() {
        return new NetPolicyStatus("dry-run", true, "netpolicy.backend is dry-run: blocks are logged, not applied",
                blocked.size());
    }
}
