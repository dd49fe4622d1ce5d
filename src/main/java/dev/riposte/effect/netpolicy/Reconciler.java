package dev.riposte.effect.netpolicy;

import dev.riposte.base.IpLiteral;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the kernel's set match the blocks it is given: re-creates a missing table, adds missing elements,
 * re-sets timeouts that differ by more than {@link #TIMEOUT_TOLERANCE}, deletes elements riposte did not put
 * there. Each repair is logged and counted. A kernel that refuses is remembered (and logged once) until a
 * repair or a batch of the {@link KernelWriter} succeeds: while it is, the bridge refuses blocks with the
 * reason. Thread-safe; one reconcile at a time is the caller's affair.
 */
final class Reconciler {
    /** How far the kernel's time left may be from riposte's before reconcile re-sets it. */
    static final Duration TIMEOUT_TOLERANCE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final Kernel kernel;
    private final AtomicLong repairs = new AtomicLong();
    /** Why the kernel refuses changes, or null while it accepts them. */
    private final AtomicReference<String> refusing = new AtomicReference<>();

    Reconciler(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Why the kernel refuses changes, or null while it accepts them. */
    @Nullable
    String refusing() {
        return refusing.get();
    }

    /** The kernel took a change: enforcement resumes if it had stopped. */
    void accepted() {
        if (refusing.getAndSet(null) != null) {
            LOG.warn("netpolicy: nftables accepts changes again; enforcement resumed");
        }
    }

    /**
     * Repairs the kernel's set to hold exactly {@code wanted} as of {@code now}; returns the repairs made, 0
     * when the kernel refuses (which is remembered, see the class comment).
     */
    int repair(List<Block> wanted, Instant now) {
        try {
            int fixed = repairOrThrow(wanted, now);
            accepted();
            return fixed;
        } catch (Kernel.KernelException e) {
            if (refusing.getAndSet(e.getMessage()) == null) {
                LOG.error(
                        "netpolicy: nftables refuses changes, blocks fail until it accepts them again: {}",
                        e.getMessage());
            }
            return 0;
        }
    }

    private int repairOrThrow(List<Block> wanted, Instant now) throws Kernel.KernelException {
        if (!kernel.present()) {
            kernel.replace(elements(wanted, now));
            repairs.addAndGet(wanted.size() + 1);
            LOG.warn("netpolicy: repair: table inet riposte was missing; re-created with {} blocks", wanted.size());
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
        Set<InetAddress> known = new HashSet<>();
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
                - (int) add.stream().filter(e -> delete.contains(e.address())).count();
        if (!add.isEmpty() || !delete.isEmpty()) {
            kernel.apply(add, delete);
            repairs.addAndGet(fixed);
        }
        return fixed;
    }

    /** Repairs since start. */
    long repairs() {
        return repairs.get();
    }

    /** {@code bs} as kernel elements with what is left of each at {@code now}. */
    static List<Kernel.Element> elements(Collection<Block> bs, Instant now) {
        List<Kernel.Element> out = new ArrayList<>();
        for (Block b : bs) {
            out.add(new Kernel.Element(b.address(), b.remaining(now)));
        }
        return out;
    }

    private static boolean sameTimeout(@Nullable Duration want, @Nullable Duration left) {
        if (want == null || left == null) {
            return want == null && left == null;
        }
        return want.minus(left).abs().compareTo(TIMEOUT_TOLERANCE) <= 0;
    }
}
