package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.base.IpLiteral;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the rails protect of the host's network, read from /proc/net and resolv.conf, or from a named namespace. */
class HostNetworkTest {
    private static String text(Map<InetAddress, String> m) {
        StringBuilder out = new StringBuilder();
        m.forEach((a, why) ->
                out.append(IpLiteral.format(a)).append(" = ").append(why).append('\n'));
        return out.toString();
    }

    @Test
    void defaultGatewaysAndResolvers_areReadFromTheKernelsTablesAndResolvConf() {
        Map<InetAddress, String> out = new LinkedHashMap<>();
        HostNetwork.gateways4(
                List.of(
                        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                        "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                        "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"),
                out);
        HostNetwork.gateways6(
                List.of(
                        "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0",
                        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0",
                        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo"),
                out);
        HostNetwork.resolvers(
                List.of("# comment", "nameserver 10.255.255.53", "nameserver fe80::1%eth0", "search example"), out);
        assertEquals("""
                192.0.2.1 = a default gateway of this host (via eth0)
                fd00::1 = a default gateway of this host (via eth0)
                10.255.255.53 = a resolver this host uses (resolv.conf)
                fe80::1 = a resolver this host uses (resolv.conf)
                """, text(out));
    }

    @Test
    void thisHost_protectsItsAddresses_gateways_resolvers_andBroadcasts() throws Exception {
        String protectedNow = text(HostNetwork.local());
        assertTrue(protectedNow.contains("127.0.0.1 = an address of this host (lo)"), protectedNow);
        assertTrue(protectedNow.contains("255.255.255.255 = the limited broadcast address"), protectedNow);
        for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
            if (line.startsWith("nameserver ") && !line.contains("%")) {
                assertTrue(protectedNow.contains(line.substring(11).trim() + " = "), protectedNow);
            }
        }
    }

    @NeedsRoot("a network namespace (ip netns add)")
    @Test
    void aNamedNamespace_isReadThroughIp_notRipostesOwn() throws Exception {
        try (NetNamespace ns = new NetNamespace();
                NetNamespace peer = new NetNamespace()) {
            ns.link("va", peer, "vb");
            ns.execOk("ip", "addr", "add", "10.77.0.2/24", "broadcast", "10.77.0.255", "dev", "va");
            ns.execOk("ip", "route", "add", "default", "via", "10.77.0.254", "dev", "va");
            Map<InetAddress, String> read =
                    HostNetwork.forNftCommand(ns.exec("nft")).get();
            String text = text(read);
            assertTrue(text.contains("10.77.0.2 = an address of this host (va)"), text);
            assertTrue(text.contains("10.77.0.255 = the broadcast address of va"), text);
            assertTrue(text.contains("10.77.0.254 = a default gateway of this host (via va)"), text);
            assertTrue(text.contains("255.255.255.255 = the limited broadcast address"), text);
            for (InetAddress own : HostNetwork.local().keySet()) {
                if (!own.isLoopbackAddress()
                        && !own.isLinkLocalAddress()
                        && !text(HostNetwork.local()).contains(IpLiteral.format(own) + " = a resolver")
                        && !IpLiteral.format(own).equals("255.255.255.255")) {
                    assertTrue(
                            !read.containsKey(own),
                            "riposte's own address " + own + " is not the namespace's: " + text);
                }
            }
        }
    }
}
