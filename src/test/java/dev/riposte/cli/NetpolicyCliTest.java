package dev.riposte.cli;

import static dev.riposte.cli.CliTest.riposte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.testing.Await;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestDaemon;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's netpolicy commands against a whole daemon whose nft runs inside a network namespace
 * the test creates: blocks listed, removed, kept across a restart, flushed.
 */
@NeedsRoot("network namespaces (ip netns add) and nft in them")
class NetpolicyCliTest {
    static final int PORT = 7000;

    @TempDir
    Path dir;

    NetNamespace ns;

    @BeforeEach
    void namespace() throws Exception {
        ns = new NetNamespace();
        ns.start("socat", "TCP-LISTEN:" + PORT + ",fork,reuseaddr", "SYSTEM:true");
        Await.poll(50, 50, () -> ns.reaches("127.0.0.3", PORT));
    }

    @AfterEach
    void remove() throws Exception {
        ns.close();
    }

    /** nftables in the namespace; 127.0.0.0/8 may be blocked there (the namespace's lo is the test's own). */
    private String netpolicy() {
        return "netpolicy:\n  backend: nftables\n  never_block: []\n  nft_command: ["
                + String.join(", ", ns.exec("nft")) + "]\n";
    }

    private TestDaemon daemon() throws Exception {
        return new TestDaemon(
                dir,
                netpolicy(),
                Map.of(
                        "block.js",
                        "// @on name=crypto_miner_execution\nfunction process(data) { NetBlockIp('127.0.0.2');"
                                + " NetBlockIpTimer('198.51.100.7', 3600); NetBlockDomain('pool.crypto-mirror.example'); }\n"));
    }

    @Test
    void blocks_areListed_removed_keptAcrossARestart_andFlushed() throws Exception {
        String uuid = Samples.event("01").uuid();
        try (TestDaemon d = daemon()) {
            d.send(List.of(Samples.line("01")));
            d.awaitFinished(1);
            Await.until("blocked", 250, 20, () -> !ns.reaches("127.0.0.2", PORT));
            String config = d.configFile().toString();

            CliTest.Result json = riposte("blocks", "--json", "--config", config);
            assertEquals(0, json.code(), json.err());
            JsonNode blocks = new ObjectMapper()
                    .readTree(json.out()
                            .lines()
                            .filter(l -> l.startsWith("{\"ok\""))
                            .findFirst()
                            .orElseThrow());
            assertEquals(
                    2,
                    blocks.path("blocks").size(),
                    "the domain does not resolve here (no DNS): only the addresses: " + blocks);
            JsonNode first = blocks.path("blocks").path(0);
            assertEquals("127.0.0.2", first.path("address").asText());
            assertEquals("NetBlockIp", first.path("reason").asText());
            assertEquals("block", first.path("reaction").asText());
            assertEquals(uuid, first.path("event_uuid").asText());
            assertTrue(first.path("remaining_s").isNull());
            JsonNode timed = blocks.path("blocks").path(1);
            assertEquals("198.51.100.7", timed.path("address").asText());
            assertEquals("NetBlockIpTimer", timed.path("reason").asText());
            assertTrue(
                    timed.path("remaining_s").asLong() > 3500
                            && timed.path("remaining_s").asLong() <= 3600,
                    timed.toString());
            assertEquals(0, blocks.path("domains").size());

            CliTest.Result status = riposte("netpolicy", "status", "--config", config);
            assertEquals(0, status.code(), status.err());
            assertTrue(
                    status.out()
                            .contains("netpolicy nftables (active): table inet riposte is managed with nft; 2 blocked, "
                                    + "0 domains followed, 0 repairs"),
                    status.out());

            CliTest.Result text = riposte("blocks", "--config", config);
            assertTrue(
                    text.out()
                            .lines()
                            .anyMatch(l -> l.matches("127\\.0\\.0\\.2\\s+-\\s+NetBlockIp\\s+block\\s+" + uuid)),
                    text.out());
        }
        assertFalse(ns.reaches("127.0.0.2", PORT), "a normal stop leaves the blocks in force");
        try (TestDaemon d = daemon()) {
            String config = d.configFile().toString();
            assertTrue(
                    riposte("blocks", "--config", config).out().contains("127.0.0.2"), "restored from the state store");
            CliTest.Result removed = riposte("blocks", "remove", "--config", config, "127.0.0.2");
            assertEquals(0, removed.code(), removed.err());
            assertTrue(removed.out().contains("removed 127.0.0.2"), removed.out());
            Await.until("unblocked", 250, 20, () -> ns.reaches("127.0.0.2", PORT));
            CliTest.Result again = riposte("blocks", "remove", "--config", config, "127.0.0.2");
            assertTrue(again.out().contains("127.0.0.2 was not blocked"), again.out());

            d.send(List.of(Samples.line("01").replace(uuid, "00000000-0000-4000-8000-000000000001")));
            d.awaitFinished(1);
            Await.until("blocked again", 250, 20, () -> !ns.reaches("127.0.0.2", PORT));
            CliTest.Result flush = riposte("netpolicy", "flush", "--config", config);
            assertEquals(0, flush.code(), flush.err());
            assertTrue(ns.reaches("127.0.0.2", PORT));
            assertFalse(ns.execOk("nft", "list", "tables").contains("riposte"), "the table is removed");
        }
    }
}
