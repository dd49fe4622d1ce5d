package dev.riposte.effect.netpolicy;

import dev.riposte.core.EffectResult;
import dev.riposte.core.IpLiteral;
import dev.riposte.time.Scheduler;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netpolicy bridge: what is blocked, kept in the {@link BlockStore} (so blocks survive restarts)
 * and enforced through a {@link Kernel}.
 *
 * <ul>
 *   <li>A block is decided here (the {@link Guard}, {@code max_blocks}, the store) and the helper gets
 *       its answer at once; the kernel change is queued and applied by one writer thread, which puts
 *       every change waiting at that moment into one batch (a burst of blocks becomes few batches).</li>
 *   <li>At start, what is still due is restored in one batch with its remaining time; what has expired
 *       is dropped.</li>
 *   <li>Every {@code reconcile_interval} (and whenever a batch fails) the kernel's sets are compared with
 *       the blocks: a missing table, missing elements, timeouts that differ and elements riposte did not
 *       put there are repaired, logged and counted. While the kernel refuses changes, blocks fail with
 *       the reason; enforcement resumes by itself once a repair succeeds.</li>
 *   <li>Followed domains are resolved again every {@code domain_refresh}; new addresses are blocked.</li>
 * </ul>
 * Thread-safe: the state is guarded by this object's monitor; kernel calls happen outside it.
 */
public final class Enforcer implements NetPolicy, AutoCloseable {
    /** How far the kernel's time left may be from riposte's before reconcile re-sets it. */
    static final Duration TIMEOUT_TOLERANCE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Enforcer.class);

    /**
     * Settings of the bridge.
     *
     * @param maxDomainAddresses the most addresses one followed domain keeps blocked (the oldest go first)
     */
    public record Settings(int maxBlocks, int maxDomainAddresses, Duration domainRefresh, Duration reconcileInterval) {
        public static Settings of(dev.riposte.config.RiposteConfig.NetPolicy config) {
            return new Settings(
                    config.maxBlocks(),
                    config.maxDomainAddresses(),
                    config.domainRefresh(),
                    config.reconcileInterval());
        }
    }

    private final Kernel kernel;
    private final BlockStore store;
    private final Guard guard;
    private final Resolver resolver;
    private final Settings settings;
    private final Clock clock;
    private final Map<InetAddress, Block> blocks = new LinkedHashMap<>();
    private final Map<String, FollowedDomain> domains = new LinkedHashMap<>();
    /** Kernel changes not yet applied: additions (the latest wins) and deletions. */
    private final Map<InetAddress, Block> pendingAdd = new LinkedHashMap<>();

    private final Set<InetAddress> pendingDelete = new LinkedHashSet<>();
    private final AtomicLong repairs = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final Thread writer;
    private final List<Scheduler.Job> jobs = new CopyOnWriteArrayList<>();
    /** Why the kernel refuses changes, or null while it accepts them. */
    private String failing;
    /** After a flush the table stays away until something is blocked again. */
    private boolean flushed;

    private volatile boolean closed;

    private Enforcer(Kernel kernel, BlockStore store, Guard guard, Resolver resolver, Settings settings, Clock clock) {
        this.kernel = kernel;
        this.store = store;
        this.guard = guard;
        this.resolver = resolver;
        this.settings = settings;
        this.clock = clock;
        this.writer = Thread.ofPlatform().name("riposte-netpolicy").daemon().unstarted(this::writeLoop);
    }

    /**
     * Restores the stored blocks into the kernel (one batch) and starts the writer, reconcile and domain
     * refresh.
     *
     * @throws Kernel.KernelException when the kernel cannot be set up at all (the caller degrades to disabled)
     */
    public static Enforcer start(
            Kernel kernel,
            BlockStore store,
            Guard guard,
            Resolver resolver,
            Settings settings,
            Clock clock,
            Scheduler scheduler)
            throws Kernel.KernelException {
        Enforcer e = new Enforcer(kernel, store, guard, resolver, settings, clock);
        e.restore();
        e.writer.start();
        Duration reconcile = settings.reconcileInterval();
        e.jobs.add(scheduler.every("netpolicy-reconcile", reconcile, reconcile, e::reconcileQuietly));
        Duration refresh = settings.domainRefresh();
        e.jobs.add(scheduler.every("netpolicy-domains", refresh, refresh, e::refreshDomains));
        return e;
    }

    private void restore() throws Kernel.KernelException {
        long start = System.nanoTime();
        Instant now = clock.instant();
        List<Block> stored;
        List<FollowedDomain> followed;
        try {
            stored = store.blocks();
            followed = store.domains();
        } catch (BlockStore.BlockStoreException e) {
            LOG.error("netpolicy: cannot read the stored blocks, starting without them: {}", e.getMessage());
            stored = List.of();
            followed = List.of();
        }
        List<InetAddress> expired = new ArrayList<>();
        for (Block b : stored) {
            if (b.activeAt(now)) {
                blocks.put(b.address(), b);
            } else {
                expired.add(b.address());
            }
        }
        followed.forEach(d -> domains.put(d.domain(), d));
        if (!expired.isEmpty()) {
            try {
                store.deleteAll(expired);
            } catch (BlockStore.BlockStoreException e) {
                LOG.warn("netpolicy: cannot drop {} expired blocks from the store: {}", expired.size(), e.getMessage());
            }
        }
        kernel.replace(elements(blocks.values(), now));
        LOG.info(
                "netpolicy: {} ready, {} blocks restored ({} expired dropped), {} domains followed, in {} ms",
                kernel.name(),
                blocks.size(),
                expired.size(),
                domains.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static List<Kernel.Element> elements(java.util.Collection<Block> bs, Instant now) {
        List<Kernel.Element> out = new ArrayList<>();
        for (Block b : bs) {
            out.add(new Kernel.Element(b.address(), b.remaining(now)));
        }
        return out;
    }

    // ---- the helpers' side ----

    @Override
    public EffectResult block(InetAddress address, Origin origin) {
        return blockUntil(address, null, origin);
    }

    @Override
    public EffectResult blockFor(InetAddress address, Duration duration, Origin origin) {
        return blockUntil(address, clock.instant().plus(duration), origin);
    }

    private synchronized EffectResult blockUntil(InetAddress address, Instant expires, Origin origin) {
        String refusal = guard.refusal(address);
        if (refusal != null) {
            return EffectResult.failed(refusal);
        }
        if (failing != null) {
            return EffectResult.failed("nftables refuses changes: " + failing);
        }
        Instant now = clock.instant();
        Block existing = blocks.get(address);
        if (existing != null && !existing.activeAt(now)) {
            existing = null;
        }
        if (existing != null && existing.permanent()) {
            return EffectResult.unchanged();
        }
        if (existing == null && activeCount(now) >= settings.maxBlocks()) {
            return EffectResult.failed("the block set is full: " + settings.maxBlocks() + " addresses are blocked "
                    + "(netpolicy.max_blocks)");
        }
        Block block = new Block(address, origin, existing == null ? now : existing.created(), expires);
        try {
            store.save(block);
        } catch (BlockStore.BlockStoreException e) {
            return EffectResult.failed("cannot record the block in the state store: " + e.getMessage());
        }
        blocks.put(address, block);
        pendingDelete.remove(address);
        pendingAdd.put(address, block);
        flushed = false;
        notifyAll();
        LOG.info(
                "netpolicy: block {}{} ({}, reaction {}, event {})",
                IpLiteral.format(address),
                expires == null ? "" : " until " + expires,
                origin.reason(),
                origin.reaction(),
                origin.eventUuid());
        return EffectResult.done();
    }

    private int activeCount(Instant now) {
        int n = 0;
        for (Block b : blocks.values()) {
            if (b.activeAt(now)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized EffectResult unblock(InetAddress address) {
        Block existing = blocks.get(address);
        if (existing == null || !existing.activeAt(clock.instant())) {
            return EffectResult.unchanged();
        }
        try {
            store.delete(address);
        } catch (BlockStore.BlockStoreException e) {
            return EffectResult.failed("cannot remove the block from the state store: " + e.getMessage());
        }
        blocks.remove(address);
        pendingAdd.remove(address);
        pendingDelete.add(address);
        notifyAll();
        LOG.info("netpolicy: unblock {}", IpLiteral.format(address));
        return EffectResult.done();
    }

    @Override
    public EffectResult blockDomain(String domain, Origin origin, Duration within) {
        synchronized (this) {
            if (domains.containsKey(domain)) {
                return EffectResult.unchanged();
            }
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(domain, within);
        } catch (Resolver.ResolveException e) {
            return EffectResult.failed("cannot follow " + domain + ": " + e.getMessage());
        }
        synchronized (this) {
            FollowedDomain followed = new FollowedDomain(domain, origin, clock.instant());
            try {
                store.save(followed);
            } catch (BlockStore.BlockStoreException e) {
                return EffectResult.failed("cannot record the domain in the state store: " + e.getMessage());
            }
            domains.put(domain, followed);
            LOG.info("netpolicy: following {} ({} addresses)", domain, addresses.size());
            List<String> refused = blockAll(domain, addresses, origin);
            return refused.isEmpty()
                    ? EffectResult.done()
                    : EffectResult.failed(domain + " is followed, but " + String.join("; ", refused));
        }
    }

    /**
     * Blocks what a domain resolved to; returns the refusals. A domain keeps at most
     * {@code max_domain_addresses} blocked: of one answer, the first ones; when a later answer brings new
     * addresses, the domain's oldest blocks are lifted to make room, so a domain that answers something new
     * at every refresh cannot grow the set without end.
     */
    private List<String> blockAll(String domain, List<InetAddress> addresses, Origin origin) {
        List<String> refused = new ArrayList<>();
        String reason = "domain " + domain;
        List<InetAddress> answer = addresses.size() > settings.maxDomainAddresses()
                ? addresses.subList(0, settings.maxDomainAddresses())
                : addresses;
        if (answer.size() < addresses.size()) {
            refused.add((addresses.size() - answer.size()) + " of its " + addresses.size()
                    + " addresses were not blocked: " + "a domain keeps at most " + settings.maxDomainAddresses()
                    + " (netpolicy.max_domain_addresses)");
        }
        Instant now = clock.instant();
        for (InetAddress a : answer) {
            Block existing = blocks.get(a);
            if (existing != null && existing.activeAt(now)) {
                continue;
            }
            List<Block> own = new ArrayList<>(blocks.values().stream()
                    .filter(b -> b.activeAt(now) && b.origin().reason().equals(reason) && !answer.contains(b.address()))
                    .toList());
            long kept = blocks.values().stream()
                    .filter(b -> b.activeAt(now) && b.origin().reason().equals(reason))
                    .count();
            if (kept >= settings.maxDomainAddresses() && !own.isEmpty()) {
                Block oldest = own.getFirst();
                unblock(oldest.address());
                LOG.info(
                        "netpolicy: {} keeps at most {} addresses (netpolicy.max_domain_addresses): unblocked {}, its oldest",
                        domain,
                        settings.maxDomainAddresses(),
                        IpLiteral.format(oldest.address()));
            }
            EffectResult r = blockUntil(a, null, origin.withReason(reason));
            if (r.failed()) {
                refused.add(r.error());
            }
        }
        return refused;
    }

    @Override
    public synchronized EffectResult unblockDomain(String domain) {
        if (!domains.containsKey(domain)) {
            return EffectResult.unchanged();
        }
        try {
            store.deleteDomain(domain);
        } catch (BlockStore.BlockStoreException e) {
            return EffectResult.failed("cannot remove the domain from the state store: " + e.getMessage());
        }
        domains.remove(domain);
        String reason = "domain " + domain;
        for (Block b : List.copyOf(blocks.values())) {
            if (b.origin().reason().equals(reason)) {
                unblock(b.address());
            }
        }
        LOG.info("netpolicy: stopped following {}", domain);
        return EffectResult.done();
    }

    /** Resolves every followed domain again and blocks the addresses that are new. */
    void refreshDomains() {
        List<FollowedDomain> followed;
        synchronized (this) {
            followed = List.copyOf(domains.values());
        }
        for (FollowedDomain d : followed) {
            try {
                List<InetAddress> addresses = resolver.resolve(d.domain());
                synchronized (this) {
                    if (domains.containsKey(d.domain())) {
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

    @Override
    public synchronized List<Block> blocks() {
        Instant now = clock.instant();
        return blocks.values().stream()
                .filter(b -> b.activeAt(now))
                .sorted(Comparator.comparing(Block::created))
                .toList();
    }

    @Override
    public synchronized List<FollowedDomain> domains() {
        return List.copyOf(domains.values());
    }

    @Override
    public EffectResult flush() {
        synchronized (this) {
            try {
                store.clear();
            } catch (BlockStore.BlockStoreException e) {
                return EffectResult.failed("cannot clear the state store: " + e.getMessage());
            }
            blocks.clear();
            domains.clear();
            pendingAdd.clear();
            pendingDelete.clear();
            flushed = true;
        }
        try {
            kernel.remove();
        } catch (Kernel.KernelException e) {
            return EffectResult.failed(
                    "the blocks are forgotten, but the table could not be removed: " + e.getMessage());
        }
        LOG.warn("netpolicy: flushed: every block lifted, every domain forgotten, table inet riposte removed");
        return EffectResult.done();
    }

    @Override
    public synchronized NetPolicyStatus status() {
        Instant now = clock.instant();
        boolean ok = failing == null;
        String reason = ok
                ? (kernel.name().equals("dry-run")
                        ? "netpolicy.backend is dry-run: blocks are logged, not applied"
                        : "table inet riposte is managed with nft")
                : "nftables refuses changes: " + failing;
        return new NetPolicyStatus(kernel.name(), ok, reason, activeCount(now), domains.size(), repairs.get());
    }

    /** Kernel batches applied since start (for tests and benchmarks). */
    public long batches() {
        return batches.get();
    }

    // ---- the kernel's side ----

    private void writeLoop() {
        while (true) {
            List<Kernel.Element> add = new ArrayList<>();
            List<InetAddress> delete;
            synchronized (this) {
                while (pendingAdd.isEmpty() && pendingDelete.isEmpty()) {
                    if (closed) {
                        return;
                    }
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                Instant now = clock.instant();
                for (Block b : pendingAdd.values()) {
                    if (b.activeAt(now)) {
                        add.add(new Kernel.Element(b.address(), b.remaining(now)));
                    }
                }
                delete = List.copyOf(pendingDelete);
                pendingAdd.clear();
                pendingDelete.clear();
            }
            try {
                kernel.apply(add, delete);
                batches.incrementAndGet();
                healthy();
            } catch (Kernel.KernelException | OutOfMemoryError e) {
                // A delete of an element whose timer ran out, a deleted table, a lost capability, a moment
                // without heap: reconcile works out what the kernel lacks from riposte's own state and repairs it.
                LOG.warn(
                        "netpolicy: a batch of {} additions and {} deletions failed ({}); reconciling",
                        add.size(),
                        delete.size(),
                        e.getMessage());
                reconcileQuietly();
            }
        }
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("netpolicy: reconcile failed", e);
        }
    }

    /**
     * Makes the kernel match riposte's blocks: drops expired blocks, re-creates a missing table, adds
     * missing elements, re-sets timeouts that differ, deletes elements riposte did not put there.
     * Each repair is logged and counted. Returns the number of repairs.
     */
    public int reconcile() {
        guard.refreshHostAddresses();
        Instant now = clock.instant();
        List<Block> wanted;
        boolean skip;
        synchronized (this) {
            dropExpired(now);
            wanted = List.copyOf(blocks.values());
            skip = flushed && wanted.isEmpty();
        }
        if (skip) {
            return 0;
        }
        try {
            if (!kernel.present()) {
                kernel.replace(elements(wanted, now));
                count(wanted.size() + 1);
                LOG.warn("netpolicy: repair: table inet riposte was missing; re-created with {} blocks", wanted.size());
                healthy();
                return wanted.size() + 1;
            }
            Map<InetAddress, Duration> actual = kernel.list();
            List<Kernel.Element> add = new ArrayList<>();
            List<InetAddress> delete = new ArrayList<>();
            for (Block b : wanted) {
                boolean there = actual.containsKey(b.address());
                Duration left = actual.get(b.address());
                Duration want = b.remaining(now);
                if (!there) {
                    LOG.warn("netpolicy: repair: {} was missing from the kernel's set", IpLiteral.format(b.address()));
                    add.add(new Kernel.Element(b.address(), want));
                } else if (!sameTimeout(want, left)) {
                    LOG.warn(
                            "netpolicy: repair: {} had {} left in the kernel, riposte has {}",
                            IpLiteral.format(b.address()),
                            left == null ? "no limit" : left.toSeconds() + " s",
                            want == null ? "no limit" : want.toSeconds() + " s");
                    delete.add(b.address());
                    add.add(new Kernel.Element(b.address(), want));
                }
            }
            Set<InetAddress> known = new java.util.HashSet<>();
            wanted.forEach(b -> known.add(b.address()));
            for (InetAddress a : actual.keySet()) {
                if (!known.contains(a)) {
                    LOG.warn(
                            "netpolicy: repair: {} was in the kernel's set but is not blocked by riposte; removed",
                            IpLiteral.format(a));
                    delete.add(a);
                }
            }
            int fixed = add.size()
                    + delete.size()
                    - (int) add.stream()
                            .filter(e -> delete.contains(e.address()))
                            .count();
            if (!add.isEmpty() || !delete.isEmpty()) {
                kernel.apply(add, delete);
                count(fixed);
            }
            healthy();
            return fixed;
        } catch (Kernel.KernelException e) {
            synchronized (this) {
                if (failing == null) {
                    LOG.error(
                            "netpolicy: nftables refuses changes, blocks fail until it accepts them again: {}",
                            e.getMessage());
                }
                failing = e.getMessage();
            }
            return 0;
        }
    }

    private static boolean sameTimeout(Duration want, Duration left) {
        if (want == null || left == null) {
            return want == null && left == null;
        }
        return want.minus(left).abs().compareTo(TIMEOUT_TOLERANCE) <= 0;
    }

    private void count(int n) {
        repairs.addAndGet(n);
    }

    private synchronized void healthy() {
        if (failing != null) {
            LOG.warn("netpolicy: nftables accepts changes again; enforcement resumed");
            failing = null;
        }
    }

    private void dropExpired(Instant now) {
        List<InetAddress> expired = new ArrayList<>();
        blocks.values().removeIf(b -> {
            if (!b.activeAt(now)) {
                expired.add(b.address());
                return true;
            }
            return false;
        });
        if (!expired.isEmpty()) {
            try {
                store.deleteAll(expired);
            } catch (BlockStore.BlockStoreException e) {
                LOG.warn("netpolicy: cannot drop {} expired blocks from the store: {}", expired.size(), e.getMessage());
            }
        }
    }

    /** Applies what is pending, then stops the threads; the table and its blocks stay in force. */
    @Override
    public void close() {
        closed = true;
        jobs.forEach(Scheduler.Job::cancel);
        synchronized (this) {
            notifyAll();
        }
        try {
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
