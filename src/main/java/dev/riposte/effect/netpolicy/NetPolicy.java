package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;

/** Blocks and unblocks single addresses. Implementations are thread-safe. */
public interface NetPolicy {
    /** Blocks all traffic to and from {@code address}: 0 done, 1 already blocked, -1 refused or failed. */
    EffectResult block(InetAddress address);

    /** Lifts a block: 0 done, 1 was not blocked, -1 failed. */
    EffectResult unblock(InetAddress address);

    NetPolicyStatus status();
}
