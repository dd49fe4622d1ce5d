package dev.riposte.effect.netpolicy;

import dev.riposte.base.EffectResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Refuses every change, saying why the feature is off. What an earlier run stored is still listed
 * ({@link #blocks}, {@link #status}): the kernel may still hold those blocks in {@code table inet
 * riposte}, which riposte neither enforces nor lifts while it is off. Thread-safe (immutable).
 */
public final class DisabledNetPolicy implements NetPolicy {
    private final String reason;
    /** What earlier runs stored, read once: while this policy is in place nothing can change it. */
    private final List<Block> blocks;

    private final List<FollowedDomain> domains;

    public DisabledNetPolicy(String reason) {
        this(reason, null);
    }

    /** {@code stored} (may be null) is read here; a store that cannot be read lists nothing. */
    public DisabledNetPolicy(String reason, @Nullable BlockStore stored) {
        this.reason = reason;
        List<Block> b = List.of();
        List<FollowedDomain> d = List.of();
        if (stored != null) {
            try {
                b = List.copyOf(stored.blocks());
                d = List.copyOf(stored.domains());
            } catch (BlockStore.BlockStoreException e) {
                // the store's own log said why; nothing to list
            }
        }
        this.blocks = b;
        this.domains = d;
    }

    private EffectResult off() {
        return EffectResult.failed("the netpolicy feature is off: " + reason);
    }

    @Override
    public EffectResult block(InetAddress address, Origin origin) {
        return off();
    }

    @Override
    public EffectResult blockFor(InetAddress address, Duration duration, Origin origin) {
        return off();
    }

    @Override
    public EffectResult blockDomain(String domain, Origin origin, Duration within) {
        return off();
    }

    @Override
    public EffectResult unblock(InetAddress address) {
        return off();
    }

    @Override
    public EffectResult unblockDomain(String domain) {
        return off();
    }

    /** The blocks stored by earlier runs. */
    @Override
    public List<Block> blocks() {
        return blocks;
    }

    @Override
    public List<FollowedDomain> domains() {
        return domains;
    }

    @Override
    public EffectResult flush() {
        return off();
    }

    @Override
    public NetPolicyStatus status() {
        int blocked = blocks.size();
        int followed = domains.size();
        String said = blocked + followed == 0
                ? reason
                : reason + "; " + blocked + " blocks and " + followed
                        + " domains stored by an earlier run are listed but not managed: table inet riposte may still hold them "
                        + "(riposte netpolicy flush lifts them once netpolicy works)";
        return new NetPolicyStatus("disabled", false, said, blocked, followed, 0);
    }
}
