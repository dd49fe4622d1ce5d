package dev.riposte.effect.netpolicy;

import java.util.Objects;

/**
 * What the bridge is doing, for {@code riposte stats}.
 *
 * @param backend {@code nftables}, {@code dry-run} or {@code disabled}
 * @param active whether blocks take effect (or, for dry-run, are recorded)
 * @param reason one sentence: why this backend, or why it is off
 * @param blocked addresses currently blocked
 */
public record NetPolicyStatus(String backend, boolean active, String reason, int blocked) {
    public NetPolicyStatus {
        Objects.requireNonNull(backend);
        Objects.requireNonNull(reason);
    }
}
