package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Applies the safety rails before any backend sees a block: addresses inside {@code never_block}, the
 * unspecified address and multicast addresses are refused. Unblocking is never refused here.
 * Thread-safe (immutable apart from the backend).
 */
public final class GuardedNetPolicy implements NetPolicy {
    private final NetPolicy backend;
    private final List<Cidr> neverBlock;

    public GuardedNetPolicy(NetPolicy backend, List<Cidr> neverBlock) {
        this.backend = backend;
        this.neverBlock = List.copyOf(neverBlock);
    }

    @Override
    public EffectResult block(InetAddress address) {
        EffectResult refusal = refusal(address);
        return refusal != null ? refusal : backend.block(address);
    }

    @Override
    public EffectResult blockFor(InetAddress address, Duration duration) {
        EffectResult refusal = refusal(address);
        return refusal != null ? refusal : backend.blockFor(address, duration);
    }

    /** Domains are guarded address by address by the backend that resolves them. */
    @Override
    public EffectResult blockDomain(String domain) {
        return backend.blockDomain(domain);
    }

    /** Why {@code address} must not be blocked, or null. */
    public EffectResult refusal(InetAddress address) {
        String text = address.getHostAddress();
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return EffectResult.failed("refused " + text + ": not a unicast address");
        }
        for (Cidr range : neverBlock) {
            if (range.contains(address)) {
                return EffectResult.failed("refused " + text + ": inside never_block " + range);
            }
        }
        return null;
    }

    @Override
    public EffectResult unblock(InetAddress address) {
        return backend.unblock(address);
    }

    @Override
    public NetPolicyStatus status() {
        return backend.status();
    }
}
