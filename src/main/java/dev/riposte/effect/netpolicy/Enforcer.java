package dev.riposte.effect.netpolicy;

import dev.riposte.base.EffectResult;
import dev.riposte.base.IpLiteral;
import dev.riposte.base.Scheduler;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netpolicy bridge: what is blocked, kept in the {@link BlockStore} (so blocks survive restarts)
 * and enforced through a {@link Kernel}.
 *
 * <ul>
 *   <li>A block is decided here, in the block book (the {@link Guard}, {@code max_blocks}, the store), and
 *       the helper gets its answer at once; the kernel change is queued for the {@link KernelWriter}, whose
 *       one thread puts every change waiting at that moment into one batch.</li>
 *   <li>At start, what is still due is restored in one batch with its remaining time; what has expired
 *       is dropped.</li>
 *   <li>Every {@code reconcile_interval} (and whenever a batch fails) the {@link Reconciler} repairs the
 *       kernel's set to match the book. While the kernel refuses changes, blocks fail with the reason;
 *       enforcement resumes by itself once a repair succeeds.</li>
 *   <li>Followed domains are the {@link DomainFollower}'s, resolved again every {@code domain_refresh}.</li>
 * </ul>
 * Thread-safe: the book and the followed domains are guarded by this object's monitor; kernel calls and
 * name resolution happen outside it. Store writes still happen under it (a block is answered only once
 * stored).
 */
public final class Enforcer implements NetPolicy, AutoCloseable {

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
    private final Settings settings;
    private final Clock clock;
    private final Map<InetAddress, Block> blocks = new LinkedHashMap<>();
    private final DomainFollower domains;
    private final Reconciler reconciler;
    private final KernelWriter writer;
    private final List<Scheduler.Job> jobs = new CopyOnWriteArrayList<>();
    /** Why the kernel refuses changes, or null while it accepts them. */
    private String failing;
    /** After a flush the table stays away until something is blocked again. */
    private boolean flushed;

    private Enforcer(Kernel kernel, BlockStore store, Guard guard, Resolver resolver, Settings settings, Clock clock) {
        this.kernel = kernel;
        this.store = store;
        this.guard = guard;
        this.settings = settings;
        this.clock = clock;
        this.reconciler = new Reconciler(kernel);
        this.domains =
                new DomainFollower(this, new BookKeeping(), store, resolver, settings.maxDomainAddresses(), clock);
        this.writer = new KernelWriter(kernel, clock, this::healthy, this::reconcileQuietly);
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
        domains.restore(followed);
        if (!expired.isEmpty()) {
            try {
                store.deleteAll(expired);
            } catch (BlockStore.BlockStoreException e) {
                LOG.warn("netpolicy: cannot drop {} expired blocks from the store: {}", expired.size(), e.getMessage());
            }
        }
        kernel.replace(Reconciler.elements(blocks.values(), now));
        LOG.info(
                "netpolicy: {} ready, {} blocks restored ({} expired dropped), {} domains followed, in {} ms",
                kernel.name(),
                blocks.size(),
                expired.size(),
                domains.size(),
                (System.nanoTime() - start) / 1_000_000);
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
        writer.add(block);
        flushed = false;
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
        writer.delete(address);
        LOG.info("netpolicy: unblock {}", IpLiteral.format(address));
        return EffectResult.done();
    }

    @Override
    public EffectResult blockDomain(String domain, Origin origin, Duration within) {
        return domains.follow(domain, origin, within);
    }

    @Override
    public EffectResult unblockDomain(String domain) {
        return domains.unfollow(domain);
    }

    /** Resolves every followed domain again and blocks the addresses that are new. */
    void refreshDomains() {
        domains.refresh();
    }

    /** The block book as the domain follower sees it; called with this bridge's lock held. */
    private final class BookKeeping implements DomainFollower.Blocks {
        @Override
        public Block active(InetAddress address, Instant now) {
            Block b = blocks.get(address);
            return b != null && b.activeAt(now) ? b : null;
        }

        @Override
        public List<Block> activeWithReason(String reason, Instant now) {
            return blocks.values().stream()
                    .filter(b -> b.activeAt(now) && b.origin().reason().equals(reason))
                    .toList();
        }

        @Override
        public EffectResult block(InetAddress address, Origin origin) {
            return blockUntil(address, null, origin);
        }

        @Override
        public EffectResult unblock(InetAddress address) {
            return Enforcer.this.unblock(address);
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
    public List<FollowedDomain> domains() {
        return domains.list();
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
            writer.clear();
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
        return new NetPolicyStatus(kernel.name(), ok, reason, activeCount(now), domains.size(), reconciler.repairs());
    }

    /** Kernel batches applied since start (for tests and benchmarks). */
    public long batches() {
        return writer.batches();
    }

    // ---- the kernel's side ----

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
            int fixed = reconciler.repair(wanted, now);
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
        jobs.forEach(Scheduler.Job::cancel);
        writer.close();
    }
}
