package dev.riposte.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.testing.Await;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestDaemon;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The degradation matrix, each case with a whole daemon: nft missing, nft without CAP_NET_ADMIN (the
 * daemon itself run under setpriv with the capability dropped), and the table deleted under a running
 * daemon. The daemon keeps running, helpers fail with the reason, stats say why, and enforcement resumes
 * by itself where the cause goes away.
 */
class NetpolicyDegradationTest {
    static final String BLOCKER = "// @on *\nfunction process(data) { NetBlockIp('127.0.0.2'); }\n";

    @TempDir
    Path dir;

    @Test
    void withoutTheNftTool_theDaemonRuns_andEveryBlockSaysWhy() throws Exception {
        try (TestDaemon d = new TestDaemon(
                dir, "netpolicy:\n  backend: auto\n  nft_command: [/nonexistent/nft]\n", Map.of("block.js", BLOCKER))) {
            d.send(List.of(Samples.line("01")));
            JsonNode stats = d.awaitFinished(1);
            String reason = "netpolicy.backend is auto but nftables cannot be used: cannot run /nonexistent/nft: "
                    + "command not found (is the nftables package installed?)";
            assertEquals("disabled", stats.path("netpolicy").path("backend").asText());
            assertEquals(reason, stats.path("netpolicy").path("reason").asText());
            RunRecord run = d.runs().getFirst();
            assertEquals(
                    List.of("NetBlockIp(\"127.0.0.2\")=-1 errno=NetBlockIp: the netpolicy feature is off: " + reason),
                    TestSandboxes.calls(run.result().calls()));
        }
    }

    @Test
    void blocksStoredBeforeNetpolicyBrokeDown_areStillListed_andCounted() throws Exception {
        // A first run (dry-run) stores a block; the next start cannot use nftables.
        try (TestDaemon d =
                new TestDaemon(dir, "netpolicy: {backend: dry-run, never_block: []}\n", Map.of("block.js", BLOCKER))) {
            d.send(List.of(Samples.line("01")));
            d.awaitFinished(1);
            assertEquals(1, d.stats().path("netpolicy").path("blocked").asInt());
        }
        try (TestDaemon d =
                new TestDaemon(dir, "netpolicy:\n  backend: auto\n  nft_command: [/nonexistent/nft]\n", Map.of())) {
            JsonNode net = d.stats().path("netpolicy");
            assertEquals("disabled", net.path("backend").asText());
            assertEquals(1, net.path("blocked").asInt(), net.toString());
            assertTrue(
                    net.path("reason")
                            .asText()
                            .endsWith("; 1 blocks and 0 domains stored by an earlier run are listed "
                                    + "but not managed: table inet riposte may still hold them (riposte netpolicy flush lifts them once "
                                    + "netpolicy works)"),
                    net.toString());
            JsonNode blocks = d.control("{\"command\":\"blocks\"}");
            assertEquals(false, blocks.path("active").asBoolean());
            assertEquals(
                    "127.0.0.2", blocks.path("blocks").path(0).path("address").asText(), blocks.toString());
        }
    }

    @NeedsRoot("a network namespace (ip netns add)")
    @Test
    void withoutCapNetAdmin_theDaemonRuns_andSaysSo() throws Exception {
        try (NetNamespace ns = new NetNamespace()) {
            Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
            Files.writeString(reactions.resolve("block.js"), """
                    // @on *
                    function process(data) { NetBlockIp('198.51.100.7'); WriteFile(CreateTempDir('errno-*') + '/e', Errno()); }
                    """);
            Path config = DaemonProcess.writeConfig(
                    dir,
                    reactions,
                    dir.resolve("state.db"),
                    "netpolicy: {backend: nftables, nft_command: [" + String.join(", ", ns.exec("nft")) + "]}\n");
            List<String> withoutCap = List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin");
            try (DaemonProcess daemon = DaemonProcess.start(
                    withoutCap, config, dir.resolve("c.sock"), dir.resolve("daemon.log"), List.of("-Xmx256m"))) {
                DaemonProcess.send(dir.resolve("e.sock"), Samples.line("01"));
                JsonNode net = daemon.awaitDone(1).path("netpolicy");
                // Asked for explicitly: degraded, not silently disabled, and tried again (RetryingNetPolicyTest).
                assertEquals("nftables", net.path("backend").asText());
                assertFalse(net.path("active").asBoolean());
                assertTrue(
                        net.path("reason")
                                .asText()
                                .startsWith(
                                        "netpolicy.backend is nftables but nftables cannot be used: "
                                                + "nft is not permitted to change the firewall (riposte needs CAP_NET_ADMIN): "),
                        net.toString());
                assertTrue(net.path("reason").asText().endsWith("; degraded, trying again every 30s"), net.toString());
                Path errno;
                try (Stream<Path> list = Files.list(dir.resolve("ev"))) {
                    errno = list.findFirst().orElseThrow().resolve("e");
                }
                assertTrue(
                        Files.readString(errno)
                                .startsWith("NetBlockIp: the netpolicy feature is off: netpolicy.backend "
                                        + "is nftables but nftables cannot be used: nft is not permitted"),
                        Files.readString(errno));
                assertTrue(daemon.process().isAlive());
            }
        }
    }

    @NeedsRoot("a network namespace (ip netns add)")
    @Test
    void aTableDeletedUnderTheDaemon_isRepaired_andCounted() throws Exception {
        try (NetNamespace ns = new NetNamespace()) {
            ns.start("socat", "TCP-LISTEN:7000,fork,reuseaddr", "SYSTEM:true");
            String netpolicy =
                    "netpolicy:\n  backend: nftables\n  never_block: []\n  reconcile_interval: 1s\n  nft_command: ["
                            + String.join(", ", ns.exec("nft")) + "]\n";
            try (TestDaemon d = new TestDaemon(dir, netpolicy, Map.of("block.js", BLOCKER))) {
                d.send(List.of(Samples.line("01")));
                d.awaitFinished(1);
                Await.poll(100, 20, () -> !ns.connects("127.0.0.2", 7000));
                ns.execOk("nft", "delete", "table", "inet", "riposte");
                assertTrue(ns.connects("127.0.0.2", 7000), "the table is gone");
                Await.poll(
                        100,
                        50,
                        () -> d.stats().path("netpolicy").path("repairs").asLong() > 0);
                JsonNode net = d.stats().path("netpolicy");
                assertEquals(2, net.path("repairs").asLong(), "the table and its one element: " + net);
                assertTrue(net.path("active").asBoolean());
                assertFalse(ns.connects("127.0.0.2", 7000), "enforcement resumed by itself");
            }
        }
    }
}
