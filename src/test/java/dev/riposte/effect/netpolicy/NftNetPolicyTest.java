package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.effect.EffectResult;
import dev.riposte.testing.NetNamespace;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The nftables backend against the real kernel, inside a network namespace each test creates (root and
 * the nft, ip and socat tools needed; .ci/run installs them). TCP listeners on the namespace's lo show
 * that a block really drops traffic.
 */
class NftNetPolicyTest {
    static final int PORT = 7000;
    NetNamespace ns;
    NftRunner nft;

    @BeforeEach
    void namespace() throws Exception {
        ns = new NetNamespace();
        ns.execOk("ip", "addr", "add", "fd00:beef::2/128", "dev", "lo");
        ns.execOk("ip", "addr", "add", "fd00:beef::3/128", "dev", "lo");
        ns.start("socat", "TCP-LISTEN:" + PORT + ",fork,reuseaddr", "SYSTEM:true");
        ns.start("socat", "TCP6-LISTEN:" + PORT + ",ipv6only=1,fork,reuseaddr", "SYSTEM:true");
        for (int i = 0; i < 50 && !ns.connects("127.0.0.3", PORT); i++) {
            Thread.sleep(50);
        }
        nft = new ProcessNftRunner(ns.exec("nft"));
    }

    @AfterEach
    void remove() throws Exception {
        ns.close();
    }

    private String set(String name) throws Exception {
        return ns.execOk("nft", "list", "set", "inet", "riposte", name);
    }

    @Test
    void blockedAddress_refusesConnections_whileOthersConnect() throws Exception {
        NftNetPolicy policy = NftNetPolicy.start(nft);
        assertTrue(ns.connects("127.0.0.2", PORT), "before the block");
        assertEquals(EffectResult.done(), policy.block(IpLiteral.parse("127.0.0.2")));
        assertTrue(set("block4").contains("elements = { 127.0.0.2 }"), set("block4"));
        assertFalse(ns.connects("127.0.0.2", PORT), "blocked");
        assertTrue(ns.connects("127.0.0.3", PORT), "not blocked");
        assertEquals(EffectResult.unchanged(), policy.block(IpLiteral.parse("127.0.0.2")));
        assertEquals(EffectResult.done(), policy.unblock(IpLiteral.parse("127.0.0.2")));
        assertTrue(ns.connects("127.0.0.2", PORT), "unblocked");
        assertEquals(EffectResult.unchanged(), policy.unblock(IpLiteral.parse("127.0.0.2")));
        assertFalse(set("block4").contains("elements"), set("block4"));
    }

    @Test
    void blockedIpv6Address_refusesConnections() throws Exception {
        NftNetPolicy policy = NftNetPolicy.start(nft);
        assertEquals(EffectResult.done(), policy.block(IpLiteral.parse("fd00:beef::2")));
        assertTrue(set("block6").contains("elements = { fd00:beef::2 }"), set("block6"));
        assertFalse(ns.connects("fd00:beef::2", PORT));
        assertTrue(ns.connects("fd00:beef::3", PORT));
    }

    @Test
    void table_hasTheSetsAndDropRules_onInputOutputAndForward() throws Exception {
        NftNetPolicy.start(nft);
        String table = ns.execOk("nft", "list", "table", "inet", "riposte");
        for (String expected : List.of("set block4", "type ipv4_addr", "set block6", "type ipv6_addr", "flags timeout",
                "hook input", "ip saddr @block4 drop", "ip6 saddr @block6 drop",
                "hook output", "ip daddr @block4 drop", "ip6 daddr @block6 drop", "hook forward")) {
            assertTrue(table.contains(expected), expected + " in\n" + table);
        }
    }

    @Test
    void restart_keepsBlocks_withoutDuplicatingRules_andLeavesOtherTablesAlone() throws Exception {
        ns.execOk("nft", "add", "table", "inet", "other");
        ns.execOk("nft", "add", "set", "inet", "other", "keep", "{ type ipv4_addr; elements = { 192.0.2.1 }; }");
        NftNetPolicy.start(nft).block(IpLiteral.parse("127.0.0.2"));
        NftNetPolicy again = NftNetPolicy.start(nft);
        assertEquals(1, again.status().blocked());
        assertEquals(EffectResult.unchanged(), again.block(IpLiteral.parse("127.0.0.2")), "known from the kernel set");
        String table = ns.execOk("nft", "list", "table", "inet", "riposte");
        assertEquals(4, table.split("@block4 drop", -1).length - 1, "input 1, output 1, forward 2; not doubled\n" + table);
        assertTrue(ns.execOk("nft", "list", "set", "inet", "other", "keep").contains("192.0.2.1"));
        assertFalse(ns.connects("127.0.0.2", PORT));
    }

    @Test
    void timedBlock_expiresInTheKernel_andAPermanentBlockReplacesIt() throws Exception {
        NftNetPolicy policy = NftNetPolicy.start(nft);
        assertEquals(EffectResult.done(), policy.blockFor(IpLiteral.parse("127.0.0.2"), java.time.Duration.ofSeconds(2)));
        assertTrue(set("block4").contains("127.0.0.2 timeout 2s expires"), set("block4"));
        assertFalse(ns.connects("127.0.0.2", PORT), "blocked while the timer runs");
        assertEquals(EffectResult.done(), policy.block(IpLiteral.parse("127.0.0.3")));
        assertEquals(EffectResult.unchanged(), policy.blockFor(IpLiteral.parse("127.0.0.3"), java.time.Duration.ofSeconds(2)),
                "a timer never shortens a permanent block");
        for (int i = 0; i < 60 && !ns.connects("127.0.0.2", PORT); i++) {
            Thread.sleep(100);
        }
        assertTrue(ns.connects("127.0.0.2", PORT), "the kernel removed the element when its timeout ran out");
        assertFalse(set("block4").contains("127.0.0.2"), set("block4"));
        assertEquals(1, policy.status().blocked());
        assertEquals(EffectResult.done(), policy.blockFor(IpLiteral.parse("127.0.0.2"), java.time.Duration.ofSeconds(60)));
        assertEquals(EffectResult.done(), policy.block(IpLiteral.parse("127.0.0.2")), "the timer becomes permanent");
        assertTrue(set("block4").matches("(?s).*elements = \\{ 127.0.0.2, 127.0.0.3 \\}.*")
                || set("block4").matches("(?s).*elements = \\{ 127.0.0.3, 127.0.0.2 \\}.*"), set("block4"));
    }
}
