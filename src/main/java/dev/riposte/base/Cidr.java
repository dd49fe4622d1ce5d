package dev.riposte.base;

import java.net.InetAddress;
import java.util.Objects;

/** An address range such as {@code 127.0.0.0/8} or {@code fe80::/10}. Immutable. */
public record Cidr(InetAddress network, int prefix, String text) {

    public Cidr {
        Objects.requireNonNull(network);
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException(
                    "prefix /" + prefix + " is out of range for " + network.getHostAddress());
        }
    }

    /**
     * Parses {@code ADDR/PREFIX} or a bare address (a single-address range).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = IpLiteral.parse(slash < 0 ? text : text.substring(0, slash));
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException(
                        IpLiteral.quote(text) + " has a bad prefix length (0.." + bits + ")");
            }
            prefix = Integer.parseInt(p);
        }
        return new Cidr(address, prefix, text);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
