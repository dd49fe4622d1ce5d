package dev.riposte.effect.netpolicy;

import java.util.Objects;

/**
 * What the bridge is doing, for {@code riposte stats} and {@code riposte netpolicy status}.
 *
 * @param backend {@code nftables}, {@code dry-run} or {@code disabled}
 * @param active whether blocks take effect (or, for dry-run, are recorded) now
 * @param reason one sentence: why this backend, or why it is off or failing
 * @param blocked addresses currently blocked
 * @param domains domains followed
 * @param repairs differences between the kernel and the store that reconcile has fixed since start
 */
public record NetPolicyStatus(String backend, boolean active, String reason, int blocked, int domains, long repairs) {
    public NetPolicyStatus {
        Objects.requireNonNull(backend);
        Objects.requireNonNull(reason);
    }
}
