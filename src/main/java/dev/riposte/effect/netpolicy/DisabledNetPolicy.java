package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;
import java.time.Duration;

/** Refuses every change, saying why the feature is off. Thread-safe (immutable). */
public final class DisabledNetPolicy implements NetPolicy {
    private final String reason;

    public DisabledNetPolicy(String reason) {
        this.reason = reason;
    }

    @Override
    public EffectResult block(InetAddress address) {
        return EffectResult.failed("the netpolicy feature is off: " + reason);
    }

    @Override
    public EffectResult blockFor(InetAddress address, Duration duration) {
        return block(address);
    }

    @Override
    public EffectResult blockDomain(String domain) {
        return block(null);
    }

    @Override
    public EffectResult unblock(InetAddress address) {
        return block(address);
    }

    @Override
    public NetPolicyStatus status() {
        return new NetPolicyStatus("disabled", false, reason, 0);
    }
}
