package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Refuses every change, saying why the feature is off. Thread-safe (immutable). */
public final class DisabledNetPolicy implements NetPolicy {
    private final String reason;

    public DisabledNetPolicy(String reason) {
        this.reason = reason;
    }

    private EffectResult off() {
        return EffectResult.failed("the netpolicy feature is off: " + reason);
    }

    @Override
    public EffectResult block(InetAddress address, Origin origin) {
        return off();
    }

    @Override
    public EffectResult blockFor(InetAddress address, Duration duration, Origin origin) {
        return off();
    }

    @Override
    public EffectResult blockDomain(String domain, Origin origin, Duration within) {
        return off();
    }

    @Override
    public EffectResult unblock(InetAddress address) {
        return off();
    }

    @Override
    public EffectResult unblockDomain(String domain) {
        return off();
    }

    @Override
    public List<Block> blocks() {
        return List.of();
    }

    @Override
    public List<FollowedDomain> domains() {
        return List.of();
    }

    @Override
    public EffectResult flush() {
        return off();
    }

    @Override
    public NetPolicyStatus status() {
        return new NetPolicyStatus("disabled", false, reason, 0, 0, 0);
    }
}
