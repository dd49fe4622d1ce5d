package dev.riposte.effect.netpolicy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.base.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses a block must never hit because the host would lose its network: its own addresses, its
 * default gateways, the resolvers it uses ({@code resolv.conf}) and broadcast addresses (each subnet's and
 * 255.255.255.255). Each comes with the reason a refusal gives. They are read from the network namespace
 * where the rules apply: riposte's own (from its interfaces and {@code /proc/net}), or, when
 * {@code netpolicy.nft_command} runs nft through {@code ip netns exec NAME}, that namespace (with
 * {@code ip -n NAME}). Thread-safe (stateless).
 */
final class HostNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(HostNetwork.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InetAddress LIMITED_BROADCAST = Objects.requireNonNull(literal("255.255.255.255"));

    private HostNetwork() {}

    /** The reader for the namespace {@code nftCommand} applies its rules in. */
    static Supplier<Map<InetAddress, String>> forNftCommand(List<String> nftCommand) {
        String name = new NftCommand(nftCommand).namespace();
        return name == null ? HostNetwork::local : () -> namespace(name);
    }

    /** riposte's own namespace, read in this process. */
    static Map<InetAddress, String> local() {
        Map<InetAddress, String> out = new LinkedHashMap<>();
        try {
            var interfaces = NetworkInterface.getNetworkInterfaces();
            while (interfaces != null && interfaces.hasMoreElements()) {
                NetworkInterface ni = interfaces.nextElement();
                for (InterfaceAddress a : ni.getInterfaceAddresses()) {
                    out.put(Guard.withoutScope(a.getAddress()), "an address of this host (" + ni.getName() + ")");
                    if (a.getBroadcast() != null) {
                        out.putIfAbsent(a.getBroadcast(), "the broadcast address of " + ni.getName());
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("netpolicy: cannot read the host's interfaces: {}", e.getMessage());
        }
        gateways4(read(Path.of("/proc/net/route")), out);
        gateways6(read(Path.of("/proc/net/ipv6_route")), out);
        resolvers(read(Path.of("/etc/resolv.conf")), out);
        out.putIfAbsent(LIMITED_BROADCAST, "the limited broadcast address");
        return out;
    }

    /** The named namespace, through {@code ip -n NAME}. */
    static Map<InetAddress, String> namespace(String name) {
        Map<InetAddress, String> out = new LinkedHashMap<>();
        for (JsonNode link : ip(name, "-j", "address", "show")) {
            for (JsonNode a : link.path("addr_info")) {
                InetAddress local = literal(a.path("local").asText(""));
                if (local != null) {
                    out.put(
                            local,
                            "an address of this host (" + link.path("ifname").asText() + ")");
                }
                InetAddress broadcast = literal(a.path("broadcast").asText(""));
                if (broadcast != null) {
                    out.putIfAbsent(
                            broadcast,
                            "the broadcast address of " + link.path("ifname").asText());
                }
            }
        }
        for (String family : List.of("-4", "-6")) {
            for (JsonNode route : ip(name, family, "-j", "route", "show", "default")) {
                InetAddress gateway = literal(route.path("gateway").asText(""));
                if (gateway != null) {
                    out.putIfAbsent(
                            gateway,
                            "a default gateway of this host (via "
                                    + route.path("dev").asText() + ")");
                }
            }
        }
        Path own = Path.of("/etc/netns", name, "resolv.conf");
        resolvers(read(Files.exists(own) ? own : Path.of("/etc/resolv.conf")), out);
        out.putIfAbsent(LIMITED_BROADCAST, "the limited broadcast address");
        return out;
    }

    /** IPv4 default routes of {@code /proc/net/route}: destination and mask 0, the gateway flag, a gateway. */
    static void gateways4(List<String> lines, Map<InetAddress, String> out) {
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8
                    && f[1].equals("00000000")
                    && f[7].equals("00000000")
                    && (Integer.parseInt(f[3], 16) & 0x2) != 0) {
                byte[] le = HexFormat.of().parseHex(f[2]);
                out.putIfAbsent(
                        address(new byte[] {le[3], le[2], le[1], le[0]}),
                        "a default gateway of this host (via " + f[0] + ")");
            }
        }
    }

    /** IPv6 default routes of {@code /proc/net/ipv6_route}: prefix length 0 and a next hop. */
    static void gateways6(List<String> lines, Map<InetAddress, String> out) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 10 && f[1].equals("00") && !f[4].matches("0+")) {
                out.putIfAbsent(
                        address(HexFormat.of().parseHex(f[4])), "a default gateway of this host (via " + f[9] + ")");
            }
        }
    }

    /** The {@code nameserver} lines of a resolv.conf. */
    static void resolvers(List<String> lines, Map<InetAddress, String> out) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("nameserver")) {
                InetAddress a = literal(f[1].replaceFirst("%.*", ""));
                if (a != null) {
                    out.putIfAbsent(a, "a resolver this host uses (resolv.conf)");
                }
            }
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static JsonNode ip(String namespace, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("ip", "-n", namespace));
        argv.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                LOG.warn("netpolicy: {} failed: {}", String.join(" ", argv), out.strip());
                return JSON.createArrayNode();
            }
            return Objects.requireNonNull(JSON.readTree(out.isBlank() ? "[]" : out));
        } catch (IOException e) {
            LOG.warn("netpolicy: cannot run {}: {}", String.join(" ", argv), e.getMessage());
            return JSON.createArrayNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JSON.createArrayNode();
        }
    }

    /** A literal address, or null (never a name lookup). */
    private static @Nullable InetAddress literal(String text) {
        try {
            return text.isEmpty() ? null : IpLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }
}
