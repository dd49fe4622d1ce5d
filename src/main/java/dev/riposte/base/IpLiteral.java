package dev.riposte.base;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * Parses literal IP addresses without ever asking a resolver. {@code nft} resolves host names it is
 * given, so nothing reaches it that did not pass through here. Thread-safe (stateless).
 */
public final class IpLiteral {
    private static final Pattern V4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern V6_CHARS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {}

    /**
     * Returns the address written in {@code text}.
     *
     * @throws IllegalArgumentException with a sentence that says what was wrong, quoting the input
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an IP address is required, got an empty string");
        }
        if (V4.matcher(text).matches()) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException(quote(text) + " is not an IPv4 address (" + part + " > 255)");
                }
            }
            return Inet4Address.ofLiteral(text);
        }
        if (text.indexOf(':') >= 0 && V6_CHARS.matcher(text).matches()) {
            try {
                // IPv4-mapped forms come back as Inet4Address, which is what they block in practice.
                return Inet6Address.ofLiteral(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(quote(text) + " is not an IPv6 address");
            }
        }
        throw new IllegalArgumentException(
                quote(text) + " is not a literal IPv4 or IPv6 address (host names are not resolved)");
    }

    /**
     * The address as people and {@code nft} write it: dotted quad, or IPv6 in RFC 5952 form (lower case,
     * the longest run of two or more zero groups shortened to {@code ::}).
     */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** The input quoted for an error message: control characters escaped, cut at 64 characters. */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        int limit = Math.min(text.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        if (text.length() > limit) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
