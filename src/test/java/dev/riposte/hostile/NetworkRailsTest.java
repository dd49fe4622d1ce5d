package dev.riposte.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.audit.AuditRecord;
import dev.riposte.base.IpLiteral;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reaction that tries to cut the host off its network, in a daemon whose rules apply in a namespace of
 * the test's (nft through {@code ip netns exec}): that namespace's gateway, broadcast addresses and own
 * address, the resolver, the limited broadcast address are all refused, each saying why; an address that
 * is riposte's own but not the namespace's may be blocked there. Kills keep to Jibril's pid bound.
 */
@NeedsRoot("network namespaces (ip netns add) and nft in them")
class NetworkRailsTest {
    @TempDir
    Path dir;

    @Test
    void theHostsNetwork_inTheNamespaceWhereTheRulesApply_cannotBeBlocked() throws Exception {
        String resolver = Files.readAllLines(Path.of("/etc/resolv.conf")).stream()
                .filter(l -> l.startsWith("nameserver "))
                .map(l -> l.substring(11).trim())
                .filter(a -> !a.contains("%"))
                .findFirst()
                .orElse("192.0.2.53");
        String riposteOwn = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(ni -> ni.getInterfaceAddresses().stream())
                .map(a -> a.getAddress())
                .filter(a -> a.getAddress().length == 4 && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .map(InetAddress::getHostAddress)
                .filter(a -> !a.equals(resolver))
                .findFirst()
                .orElseThrow();
        try (NetNamespace ns = new NetNamespace();
                NetNamespace peer = new NetNamespace()) {
            ns.link("va", peer, "vb");
            ns.execOk("ip", "addr", "add", "10.77.0.2/24", "broadcast", "10.77.0.255", "dev", "va");
            ns.execOk("ip", "route", "add", "default", "via", "10.77.0.254", "dev", "va");
            Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
            List<String> targets =
                    List.of("10.77.0.254", "10.77.0.255", "255.255.255.255", resolver, "10.77.0.2", riposteOwn);
            Files.writeString(reactions.resolve("cut.js"), """
                    // @on name=crypto_miner_execution
                    function process(d) {
                      const why = [];
                      for (const ip of [%s]) why.push(NetBlockIp(ip) + ' ' + Errno());
                      why.push(KillProcess(450) + ' ' + Errno());
                      throw new Error('REPORT\\n' + why.join('\\n'));
                    }
                    """.formatted(String.join(
                    ", ", targets.stream().map(t -> "'" + t + "'").toList())));
            Path config = DaemonProcess.writeConfig(
                    dir,
                    reactions,
                    dir.resolve("state.db"),
                    "netpolicy: {backend: nftables, nft_command: [" + String.join(", ", ns.exec("nft")) + "]}\n");
            try (DaemonProcess _ = DaemonProcess.start(
                    config, dir.resolve("c.sock"), dir.resolve("daemon.log"), DaemonProcess.LAUNCHER_JVM)) {
                DaemonProcess.send(dir.resolve("e.sock"), dev.riposte.testing.Samples.line("01"));
                AuditRecord run =
                        DaemonProcess.audit(dir.resolve("state.db"), 1).getFirst();
                List<String> lines = List.of(
                        run.detail().replaceFirst(" \\(line \\d+\\)$", "").split("\n"));
                assertEquals(
                        List.of(
                                "-1 NetBlockIp: refused 10.77.0.254: a default gateway of this host (via va)",
                                "-1 NetBlockIp: refused 10.77.0.255: the broadcast address of va",
                                "-1 NetBlockIp: refused 255.255.255.255: the limited broadcast address",
                                "-1 NetBlockIp: refused " + resolver + ": a resolver this host uses (resolv.conf)",
                                "-1 NetBlockIp: refused 10.77.0.2: an address of this host (va)",
                                "0 NetBlockIp: refused 10.77.0.2: an address of this host (va)", // Errno keeps the last
                                // error
                                "-1 KillProcess: refused pid 450: at or below kill.min_pid 500"),
                        lines.subList(1, lines.size()));
                String set = ns.execOk("nft", "list", "set", "inet", "riposte", "block4");
                assertTrue(set.contains(IpLiteral.format(IpLiteral.parse(riposteOwn))), set);
                assertTrue(!set.contains("10.77.0.254") && !set.contains(resolver), set);
            }
        }
    }
}
