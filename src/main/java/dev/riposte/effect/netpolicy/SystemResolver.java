package dev.riposte.effect.netpolicy;

import dev.riposte.base.Text;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The system resolver (NSS: /etc/hosts, DNS), bounded by a timeout. Thread-safe. */
final class SystemResolver implements Resolver {
    private final Duration timeout;

    public SystemResolver(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public List<InetAddress> resolve(String domain) throws ResolveException {
        return resolve(domain, timeout);
    }

    @Override
    public List<InetAddress> resolve(String domain, Duration within) throws ResolveException {
        boolean cut = within.compareTo(timeout) < 0;
        Duration bound = cut ? within : timeout;
        CompletableFuture<List<InetAddress>> lookup = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return List.of(InetAddress.getAllByName(domain));
                    } catch (UnknownHostException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                },
                Thread::startVirtualThread);
        try {
            return lookup.get(Math.max(0, bound.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new ResolveException(domain + " did not resolve within " + Math.max(0, bound.toMillis()) + " ms"
                    + (cut ? " (what was left of the run's deadline)" : ""));
        } catch (ExecutionException e) {
            throw new ResolveException(
                    domain + " does not resolve (" + Text.message(e.getCause() != null ? e.getCause() : e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResolveException("interrupted while resolving " + domain);
        }
    }
}
