package dev.riposte.effect.netpolicy;

import dev.riposte.base.Cidr;
import dev.riposte.base.IpLiteral;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The safety rails every block passes, whatever asked for it (a reaction, an event's addresses, a
 * domain's resolution): the unspecified address, multicast, {@code netpolicy.never_block} and the
 * host's network (its own addresses, default gateways, resolvers and broadcast addresses, see
 * {@link HostNetwork}) are refused, each with the rule that matched. The host's network is read at
 * start, on {@link #refreshHostAddresses()} (every reconcile), and again before a check when the last
 * reading is more than {@link #HOST_ADDRESS_AGE} old, so a new address is protected within a second.
 * Thread-safe.
 */
public final class Guard {
    /** How old the host's addresses may be when a block is checked. */
    static final java.time.Duration HOST_ADDRESS_AGE = java.time.Duration.ofSeconds(1);

    private final List<Cidr> neverBlock;
    private final Supplier<Map<InetAddress, String>> hostAddresses;
    private final LongSupplier ticker;
    private volatile Map<InetAddress, String> own;
    private volatile long readAt;

    /** @param hostAddresses the host's protected addresses, each with why it is protected ("a default gateway ...") */
    public Guard(List<Cidr> neverBlock, Supplier<Map<InetAddress, String>> hostAddresses) {
        this(neverBlock, hostAddresses, System::nanoTime);
    }

    /** @param ticker nanoseconds from an arbitrary origin, as {@link System#nanoTime()}: the readings' age */
    Guard(List<Cidr> neverBlock, Supplier<Map<InetAddress, String>> hostAddresses, LongSupplier ticker) {
        this.neverBlock = List.copyOf(neverBlock);
        this.hostAddresses = hostAddresses;
        this.ticker = ticker;
        refreshHostAddresses();
    }

    /** A guard that reads the host's network in the namespace where {@code nftCommand} applies the rules. */
    public static Guard forHost(List<Cidr> neverBlock, List<String> nftCommand) {
        return new Guard(neverBlock, HostNetwork.forNftCommand(nftCommand));
    }

    /** Reads the host's addresses again (they change: DHCP, new interfaces). */
    public void refreshHostAddresses() {
        own = hostAddresses.get();
        readAt = ticker.getAsLong();
    }

    /** Why {@code address} must not be blocked, or null when it may be. */
    public @Nullable String refusal(InetAddress address) {
        String text = IpLiteral.format(address);
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "refused " + text + ": not a unicast address";
        }
        for (Cidr range : neverBlock) {
            if (range.contains(address)) {
                return "refused " + text + ": inside never_block " + range;
            }
        }
        if (ticker.getAsLong() - readAt > HOST_ADDRESS_AGE.toNanos()) {
            refreshHostAddresses();
        }
        String why = own.get(withoutScope(address));
        if (why != null) {
            return "refused " + text + ": " + why;
        }
        return null;
    }

    static InetAddress withoutScope(InetAddress a) {
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(v6.getAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an address", e);
            }
        }
        return a;
    }
}
