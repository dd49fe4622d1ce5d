package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;
import java.time.Duration;

/** Blocks and unblocks single addresses. Implementations are thread-safe. */
public interface NetPolicy {
    /** Blocks all traffic to and from {@code address}: 0 done, 1 already blocked, -1 refused or failed. */
    EffectResult block(InetAddress address);

    /**
     * Blocks {@code address} for {@code duration}: 0 done (a running timer is restarted), 1 already
     * blocked without a time limit, -1 refused or failed.
     */
    EffectResult blockFor(InetAddress address, Duration duration);

    /**
     * Blocks the addresses {@code domain} resolves to, and keeps following it: 0 done, 1 already
     * followed, -1 refused or failed. The domain has already been checked to be a host name.
     */
    EffectResult blockDomain(String domain);

    /** Lifts a block: 0 done, 1 was not blocked, -1 failed. */
    EffectResult unblock(InetAddress address);

    NetPolicyStatus status();
}
