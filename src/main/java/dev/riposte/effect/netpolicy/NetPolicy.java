package dev.riposte.effect.netpolicy;

import dev.riposte.base.EffectResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Blocks and unblocks addresses and domains. Implementations are thread-safe. */
public interface NetPolicy {
    /** Blocks all traffic to and from {@code address}: 0 done, 1 already blocked, -1 refused or failed. */
    EffectResult block(InetAddress address, Origin origin);

    /**
     * Blocks {@code address} for {@code duration}: 0 done (a running timer is restarted), 1 already
     * blocked without a time limit, -1 refused or failed.
     */
    EffectResult blockFor(InetAddress address, Duration duration, Origin origin);

    /**
     * Blocks the addresses {@code domain} resolves to, and keeps following it: 0 done, 1 already
     * followed, -1 refused or failed. The domain has already been checked to be a host name; resolving it
     * takes {@code within} at most (what is left of the run's deadline).
     */
    EffectResult blockDomain(String domain, Origin origin, Duration within);

    /** Lifts a block: 0 done, 1 was not blocked, -1 failed. */
    EffectResult unblock(InetAddress address);

    /** Stops following a domain and lifts the blocks it caused: 0 done, 1 was not followed, -1 failed. */
    EffectResult unblockDomain(String domain);

    /** The blocks in force, oldest first. */
    List<Block> blocks();

    /** The domains followed, oldest first. */
    List<FollowedDomain> domains();

    /** Lifts every block, forgets every domain and removes riposte's table. */
    EffectResult flush();

    NetPolicyStatus status();
}
