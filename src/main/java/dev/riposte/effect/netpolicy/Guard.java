package dev.riposte.effect.netpolicy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The safety rails every block passes, whatever asked for it (a reaction, an event's addresses, a
 * domain's resolution): the unspecified address, multicast, {@code netpolicy.never_block} and the
 * host's own addresses are refused, each with the rule that matched. The host's addresses are read at
 * start, on {@link #refreshHostAddresses()} (every reconcile), and again before a check when the last
 * reading is more than {@link #HOST_ADDRESS_AGE} old, so a new address is protected within a second.
 * Thread-safe.
 */
public final class Guard {
    /** How old the host's addresses may be when a block is checked. */
    static final java.time.Duration HOST_ADDRESS_AGE = java.time.Duration.ofSeconds(1);
    private final List<Cidr> neverBlock;
    private final Supplier<Map<InetAddress, String>> hostAddresses;
    private volatile Map<InetAddress, String> own;
    private volatile long readAt;

    /** @param hostAddresses the host's addresses, each with the interface that has it */
    public Guard(List<Cidr> neverBlock, Supplier<Map<InetAddress, String>> hostAddresses) {
        this.neverBlock = List.copyOf(neverBlock);
        this.hostAddresses = hostAddresses;
        refreshHostAddresses();
    }

    /** A guard that reads the host's addresses from its network interfaces. */
    public static Guard forHost(List<Cidr> neverBlock) {
        return new Guard(neverBlock, Guard::interfaceAddresses);
    }

    /** Reads the host's addresses again (they change: DHCP, new interfaces). */
    public void refreshHostAddresses() {
        own = hostAddresses.get();
        readAt = System.nanoTime();
    }

    /** Why {@code address} must not be blocked, or null when it may be. */
    public String refusal(InetAddress address) {
        String text = IpLiteral.format(address);
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return "refused " + text + ": not a unicast address";
        }
        for (Cidr range : neverBlock) {
            if (range.contains(address)) {
                return "refused " + text + ": inside never_block " + range;
            }
        }
        if (System.nanoTime() - readAt > HOST_ADDRESS_AGE.toNanos()) {
            refreshHostAddresses();
        }
        String iface = own.get(withoutScope(address));
        if (iface != null) {
            return "refused " + text + ": an address of this host (" + iface + ")";
        }
        return null;
    }

    private static InetAddress withoutScope(InetAddress a) {
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            try {
                return InetAddress.getByAddress(v6.getAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an address", e);
            }
        }
        return a;
    }

    static Map<InetAddress, String> interfaceAddresses() {
        Map<InetAddress, String> out = new HashMap<>();
        try {
            var interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                NetworkInterface ni = interfaces.nextElement();
                ni.getInetAddresses().asIterator().forEachRemaining(a -> out.put(withoutScope(a), ni.getName()));
            }
        } catch (SocketException e) {
            // keep what was read; never_block still applies
        }
        return out;
    }
}
