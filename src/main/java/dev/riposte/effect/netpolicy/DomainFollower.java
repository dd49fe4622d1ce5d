package dev.riposte.effect.netpolicy;

import dev.riposte.base.EffectResult;
import dev.riposte.base.IpLiteral;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domains the bridge follows ({@code NetBlockDomain}): each is resolved when it is first blocked and
 * again at every {@link #refresh}, and what it resolves to is blocked with the reason {@code domain NAME}.
 * A domain keeps at most {@code max_domain_addresses} blocked: of one answer, the first ones; when a later
 * answer brings new addresses, the domain's oldest blocks are lifted to make room, so a domain that answers
 * something new at every refresh cannot grow the set without end.
 *
 * <p>It makes its changes under the bridge's lock for changes, {@code changes}: a domain is stored, followed
 * and its addresses blocked as one change. Names are resolved outside it. What it follows is read under
 * the map's own monitor, so {@link #list} and {@link #size} never wait for a change being stored.
 */
final class DomainFollower {
    private static final Logger LOG = LoggerFactory.getLogger(DomainFollower.class);

    /** The bridge's changes the follower makes; called with {@code changes} held. */
    interface Changes {
        /** Blocks {@code address}, which {@code domain} resolved to, with no end. */
        EffectResult block(InetAddress address, String domain, Origin origin);

        EffectResult unblock(InetAddress address);
    }

    private final Object changes;
    private final BlockBook book;
    private final Changes bridge;
    private final BlockStore store;
    private final Resolver resolver;
    private final int maxAddresses;
    private final Clock clock;
    private final Map<String, FollowedDomain> domains = new LinkedHashMap<>();

    DomainFollower(
            Object changes,
            BlockBook book,
            Changes bridge,
            BlockStore store,
            Resolver resolver,
            int maxAddresses,
            Clock clock) {
        this.changes = changes;
        this.book = book;
        this.bridge = bridge;
        this.store = store;
        this.resolver = resolver;
        this.maxAddresses = maxAddresses;
        this.clock = clock;
    }

    /** Follows the stored domains again, as they were (their blocks are restored with the others). */
    void restore(List<FollowedDomain> followed) {
        synchronized (domains) {
            followed.forEach(d -> domains.put(d.domain(), d));
        }
    }

    /** Resolves {@code domain} within {@code within}, blocks what it resolves to, and follows it. */
    EffectResult follow(String domain, Origin origin, Duration within) {
        if (followed(domain)) {
            return EffectResult.unchanged();
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(domain, within);
        } catch (Resolver.ResolveException e) {
            return EffectResult.failed("cannot follow " + domain + ": " + e.getMessage());
        }
        synchronized (changes) {
            if (followed(domain)) {
                return EffectResult.unchanged();
            }
            FollowedDomain followed = new FollowedDomain(domain, origin, clock.instant());
            try {
                store.save(followed);
            } catch (BlockStore.BlockStoreException e) {
                return EffectResult.failed("cannot record the domain in the state store: " + e.getMessage());
            }
            synchronized (domains) {
                domains.put(domain, followed);
            }
            LOG.info("netpolicy: following {} ({} addresses)", domain, addresses.size());
            List<String> refused = blockAll(domain, addresses, origin);
            return refused.isEmpty()
                    ? EffectResult.done()
                    : EffectResult.failed(domain + " is followed, but " + String.join("; ", refused));
        }
    }

    /** Stops following {@code domain} and lifts its blocks. */
    EffectResult unfollow(String domain) {
        synchronized (changes) {
            if (!followed(domain)) {
                return EffectResult.unchanged();
            }
            try {
                store.deleteDomain(domain);
            } catch (BlockStore.BlockStoreException e) {
                return EffectResult.failed("cannot remove the domain from the state store: " + e.getMessage());
            }
            synchronized (domains) {
                domains.remove(domain);
            }
            for (Block b : book.activeFor(domain, clock.instant())) {
                bridge.unblock(b.address());
            }
            LOG.info("netpolicy: stopped following {}", domain);
            return EffectResult.done();
        }
    }

    /** Resolves every followed domain again and blocks the addresses that are new. */
    void refresh() {
        for (FollowedDomain d : list()) {
            try {
                List<InetAddress> addresses = resolver.resolve(d.domain());
                synchronized (changes) {
                    if (followed(d.domain())) {
                        for (String refusal : blockAll(d.domain(), addresses, d.origin())) {
                            LOG.warn("netpolicy: {}: {}", d.domain(), refusal);
                        }
                    }
                }
            } catch (Resolver.ResolveException e) {
                LOG.warn(
                        "netpolicy: cannot resolve followed domain {} again (its blocks stay): {}",
                        d.domain(),
                        e.getMessage());
            } catch (RuntimeException | OutOfMemoryError e) {
                LOG.error("netpolicy: refreshing {} failed", d.domain(), e);
            }
        }
    }

    /** The domains followed, in the order they were first blocked. */
    List<FollowedDomain> list() {
        synchronized (domains) {
            return List.copyOf(domains.values());
        }
    }

    int size() {
        synchronized (domains) {
            return domains.size();
        }
    }

    private boolean followed(String domain) {
        synchronized (domains) {
            return domains.containsKey(domain);
        }
    }

    /** Forgets every domain (the store is cleared by the caller). */
    void clear() {
        synchronized (domains) {
            domains.clear();
        }
    }

    /** Blocks what {@code domain} resolved to; returns the refusals. Called with {@code changes} held. */
    private List<String> blockAll(String domain, List<InetAddress> addresses, Origin origin) {
        List<String> refused = new ArrayList<>();
        List<InetAddress> answer = addresses.size() > maxAddresses ? addresses.subList(0, maxAddresses) : addresses;
        if (answer.size() < addresses.size()) {
            refused.add((addresses.size() - answer.size()) + " of its " + addresses.size()
                    + " addresses were not blocked: " + "a domain keeps at most " + maxAddresses
                    + " (netpolicy.max_domain_addresses)");
        }
        Instant now = clock.instant();
        for (InetAddress a : answer) {
            if (book.active(a, now) != null) {
                continue;
            }
            List<Block> kept = book.activeFor(domain, now);
            List<Block> notInAnswer =
                    kept.stream().filter(b -> !answer.contains(b.address())).toList();
            if (kept.size() >= maxAddresses && !notInAnswer.isEmpty()) {
                Block oldest = notInAnswer.getFirst();
                bridge.unblock(oldest.address());
                LOG.info(
                        "netpolicy: {} keeps at most {} addresses (netpolicy.max_domain_addresses): unblocked {}, its oldest",
                        domain,
                        maxAddresses,
                        IpLiteral.format(oldest.address()));
            }
            EffectResult r = bridge.block(a, domain, origin.withReason("domain " + domain));
            if (r.failed()) {
                refused.add(r.error());
            }
        }
        return refused;
    }
}
