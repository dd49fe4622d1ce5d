package dev.riposte.effect.netpolicy;

import dev.riposte.base.EffectResult;
import dev.riposte.base.IpLiteral;
import dev.riposte.base.Scheduler;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
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
 *       kernel's set to match the book, on the writer's thread, between batches. While the kernel refuses changes, blocks fail with the reason;
 *       enforcement resumes by itself once a repair succeeds.</li>
 *   <li>Followed domains are the {@link DomainFollower}'s, resolved again every {@code domain_refresh}.</li>
 * </ul>
 * Thread-safe. Changes are made one at a time under {@code changes}: decided against the {@link BlockBook},
 * stored (a block is answered only once it is), then entered in the book and queued for the kernel, so the
 * store's order is the book's. The store is written under that lock only: what reads the book (status,
 * {@code riposte blocks}) never waits for the disk; a repair takes its picture of the book under it, so
 * that the picture and the writer's queue agree. Kernel calls and name resolution happen outside it. The
 * class is the {@link NetPolicy} operations over these parts, each short: that is its ~340 lines.
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
    private final BlockBook book = new BlockBook();
    /** Held for each change, from its decision to its entry in the book; see the class comment. */
    private final Object changes = new Object();

    private final DomainFollower domains;
    private final Reconciler reconciler;
    private final KernelWriter writer;
    private final List<Scheduler.Job> jobs = new CopyOnWriteArrayList<>();
    /** After a flush the table stays away until something is blocked again. */
    private volatile boolean flushed;

    private Enforcer(Kernel kernel, BlockStore store, Guard guard, Resolver resolver, Settings settings, Clock clock) {
        this.kernel = kernel;
        this.store = store;
        this.guard = guard;
        this.settings = settings;
        this.clock = clock;
        this.reconciler = new Reconciler(kernel);
        this.domains =
                new DomainFollower(changes, book, new Changes(), store, resolver, settings.maxDomainAddresses(), clock);
        this.writer = new KernelWriter(kernel, clock, reconciler, this::wanted);
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
        List<InetAddress> expired = book.restore(stored, now);
        domains.restore(followed);
        forget(expired);
        List<Block> restored = book.all();
        kernel.replace(Reconciler.elements(restored, now));
        LOG.info(
                "netpolicy: {} ready, {} blocks restored ({} expired dropped), {} domains followed, in {} ms",
                kernel.name(),
                restored.size(),
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

    private EffectResult blockUntil(InetAddress address, @Nullable Instant expires, Origin origin) {
        synchronized (changes) {
            return change(address, expires, "", origin);
        }
    }

    private EffectResult change(InetAddress address, @Nullable Instant expires, String domain, Origin origin) {
        String refusal = guard.refusal(address);
        if (refusal != null) {
            return EffectResult.failed(refusal);
        }
        String refusing = reconciler.refusing();
        if (refusing != null) {
            return EffectResult.failed("nftables refuses changes: " + refusing);
        }
        Instant now = clock.instant();
        Block existing = book.active(address, now);
        if (existing != null && existing.permanent()) {
            return EffectResult.unchanged();
        }
        if (existing == null && book.activeCount(now) >= settings.maxBlocks()) {
            return EffectResult.failed("the block set is full: " + settings.maxBlocks() + " addresses are blocked "
                    + "(netpolicy.max_blocks)");
        }
        Block block = new Block(address, domain, origin, existing == null ? now : existing.created(), expires);
        try {
            store.save(block);
        } catch (BlockStore.BlockStoreException e) {
            return EffectResult.failed("cannot record the block in the state store: " + e.getMessage());
        }
        book.put(block);
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

    @Override
    public EffectResult unblock(InetAddress address) {
        synchronized (changes) {
            if (book.active(address, clock.instant()) == null) {
                return EffectResult.unchanged();
            }
            try {
                store.delete(address);
            } catch (BlockStore.BlockStoreException e) {
                return EffectResult.failed("cannot remove the block from the state store: " + e.getMessage());
            }
            book.remove(address);
            writer.delete(address);
            LOG.info("netpolicy: unblock {}", IpLiteral.format(address));
            return EffectResult.done();
        }
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

    /** The changes the domain follower makes; called with {@code changes} held. */
    private final class Changes implements DomainFollower.Changes {
        @Override
        public EffectResult block(InetAddress address, String domain, Origin origin) {
            return change(address, null, domain, origin);
        }

        @Override
        public EffectResult unblock(InetAddress address) {
            return Enforcer.this.unblock(address);
        }
    }

    @Override
    public List<Block> blocks() {
        return book.active(clock.instant());
    }

    @Override
    public List<FollowedDomain> domains() {
        return domains.list();
    }

    @Override
    public EffectResult flush() {
        synchronized (changes) {
            try {
                store.clear();
            } catch (BlockStore.BlockStoreException e) {
                return EffectResult.failed("cannot clear the state store: " + e.getMessage());
            }
            book.clear();
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
    public NetPolicyStatus status() {
        String refusing = reconciler.refusing();
        String reason = refusing == null
                ? (kernel.name().equals("dry-run")
                        ? "netpolicy.backend is dry-run: blocks are logged, not applied"
                        : "table inet riposte is managed with nft")
                : "nftables refuses changes: " + refusing;
        return new NetPolicyStatus(
                kernel.name(),
                refusing == null,
                reason,
                book.activeCount(clock.instant()),
                domains.size(),
                reconciler.repairs());
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
     * Each repair is logged and counted. Returns the number of repairs, once the writer has made them.
     */
    public int reconcile() {
        guard.refreshHostAddresses();
        return writer.repair().join();
    }

    /**
     * What a repair works from, on the writer's thread: the book without its expired blocks (with the
     * writer's queue, which it includes, emptied), or null after a flush with nothing blocked since.
     */
    private @Nullable List<Block> wanted() {
        synchronized (changes) {
            dropExpired(clock.instant());
            writer.clear();
            List<Block> all = book.all();
            return flushed && all.isEmpty() ? null : all;
        }
    }

    /** Drops expired blocks from the book and the store; called with {@code changes} held. */
    private void dropExpired(Instant now) {
        forget(book.dropExpired(now));
    }

    /** Removes the expired blocks of {@code expired} from the store (the book no longer holds them). */
    private void forget(List<InetAddress> expired) {
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
