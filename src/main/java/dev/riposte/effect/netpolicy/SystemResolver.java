package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The system resolver (NSS: /etc/hosts, DNS), bounded by a timeout. Thread-safe. */
public final class SystemResolver implements Resolver {
    private final Duration timeout;

    public SystemResolver(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public List<InetAddress> resolve(String domain) throws ResolveException {
        CompletableFuture<List<InetAddress>> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                return List.of(InetAddress.getAllByName(domain));
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, Thread::startVirtualThread);
        try {
            return lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new ResolveException(domain + " did not resolve within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new ResolveException(domain + " does not resolve (" + e.getCause().getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResolveException("interrupted while resolving " + domain);
        }
    }
}
