package dev.riposte.effect.netpolicy;

import dev.riposte.effect.EffectResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Refuses every change, saying why the feature is off. What an earlier run stored is still listed
 * ({@link #blocks}, {@link #status}): the kernel may still hold those blocks in {@code table inet
 * riposte}, which riposte neither enforces nor lifts while it is off. Thread-safe.
 */
public final class DisabledNetPolicy implements NetPolicy {
    private final String reason;
    /** The blocks of earlier runs, or null when there is no store to read. */
    private final BlockStore stored;

    public DisabledNetPolicy(String reason) {
        this(reason, null);
    }

    public DisabledNetPolicy(String reason, BlockStore stored) {
        this.reason = reason;
        this.stored = stored;
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

    /** The blocks stored by earlier runs (none when the store cannot be read). */
    @Override
    public List<Block> blocks() {
        try {
            return stored == null ? List.of() : stored.blocks();
        } catch (BlockStore.BlockStoreException e) {
            return List.of();
        }
    }

    @Override
    public List<FollowedDomain> domains() {
        try {
            return stored == null ? List.of() : stored.domains();
        } catch (BlockStore.BlockStoreException e) {
            return List.of();
        }
    }

    @Override
    public EffectResult flush() {
        return off();
    }

    @Override
    public NetPolicyStatus status() {
        int blocked = blocks().size();
        int domains = domains().size();
        String said = blocked + domains == 0 ? reason : reason + "; " + blocked + " blocks and " + domains
                + " domains stored by an earlier run are listed but not managed: table inet riposte may still hold them "
                + "(riposte netpolicy flush lifts them once netpolicy works)";
        return new NetPolicyStatus("disabled", false, said, blocked, domains, 0);
    }
}
