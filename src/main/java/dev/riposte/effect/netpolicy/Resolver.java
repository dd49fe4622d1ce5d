package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/** Resolves host names to addresses (A and AAAA). Implementations are thread-safe. */
@FunctionalInterface
public interface Resolver {
    /**
     * @throws ResolveException with the reason (does not exist, timed out, ...)
     */
    List<InetAddress> resolve(String domain) throws ResolveException;

    /**
     * The same within {@code within} at most (a run's remaining time), when that is shorter than the
     * resolver's own timeout. A resolver that answers at once has nothing to bound.
     */
    default List<InetAddress> resolve(String domain, Duration within) throws ResolveException {
        return resolve(domain);
    }

    /** A resolution that failed, with the reason. */
    final class ResolveException extends Exception {
        public ResolveException(String message) {
            super(message);
        }
    }
}
