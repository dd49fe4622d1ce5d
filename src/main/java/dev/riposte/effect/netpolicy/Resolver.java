package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.util.List;

/** Resolves host names to addresses (A and AAAA). Implementations are thread-safe. */
@FunctionalInterface
public interface Resolver {
    /**
     * @throws ResolveException with the reason (does not exist, timed out, ...)
     */
    List<InetAddress> resolve(String domain) throws ResolveException;

    /** A resolution that failed, with the reason. */
    final class ResolveException extends Exception {
        public ResolveException(String message) {
            super(message);
        }
    }
}
