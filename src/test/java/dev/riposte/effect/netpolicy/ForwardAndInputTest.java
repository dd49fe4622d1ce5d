package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.base.EffectResult;
import dev.riposte.base.IpLiteral;
import dev.riposte.testing.Await;
import dev.riposte.testing.ManualScheduler;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import dev.riposte.testing.TestNet;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three namespaces the test creates, joined by veth pairs: a client A, a router R (where riposte's table
 * is) and a server B. Blocking A's address in R drops A's traffic to R itself (input) and through R to B
 * (forward); unblocking lets both through again. IPv6 uses fd00::/8, IPv4 the link-local 169.254/16.
 */
@NeedsRoot("network namespaces (ip netns add) and nft in them")
class ForwardAndInputTest {
    static final int PORT = 7000;
    static final Origin ORIGIN = new Origin("test", "", "NetBlockIp");
    NetNamespace a;
    NetNamespace r;
    NetNamespace b;
    Enforcer enforcer;

    @BeforeEach
    void network() throws Exception {
        a = new NetNamespace();
        r = new NetNamespace();
        b = new NetNamespace();
        a.link("a0", r, "r0");
        r.link("r1", b, "b0");
        a.execOk("ip", "addr", "add", "fd00:a::2/64", "dev", "a0", "nodad");
        a.execOk("ip", "addr", "add", "169.254.10.2/24", "dev", "a0");
        r.execOk("ip", "addr", "add", "fd00:a::1/64", "dev", "r0", "nodad");
        r.execOk("ip", "addr", "add", "169.254.10.1/24", "dev", "r0");
        r.execOk("ip", "addr", "add", "fd00:b::1/64", "dev", "r1", "nodad");
        b.execOk("ip", "addr", "add", "fd00:b::2/64", "dev", "b0", "nodad");
        a.execOk("ip", "-6", "route", "add", "default", "via", "fd00:a::1");
        b.execOk("ip", "-6", "route", "add", "default", "via", "fd00:b::1");
        r.execOk("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        r.start("socat", "TCP6-LISTEN:" + PORT + ",ipv6only=1,fork,reuseaddr", "SYSTEM:true");
        r.start("socat", "TCP4-LISTEN:" + PORT + ",fork,reuseaddr", "SYSTEM:true");
        b.start("socat", "TCP6-LISTEN:" + PORT + ",ipv6only=1,fork,reuseaddr", "SYSTEM:true");
        Await.poll(100, 50, () -> a.connects("fd00:b::2", PORT) && a.connects("169.254.10.1", PORT));
        enforcer = Enforcer.start(
                new NftKernel(new ProcessNftRunner(r.exec("nft"))),
                new MemoryBlockStore(),
                new Guard(List.of(), Map::of),
                new TestNet.FakeDns(),
                TestNet.SETTINGS,
                Clock.systemUTC(),
                new ManualScheduler());
    }

    @AfterEach
    void remove() throws Exception {
        // The namespaces go whatever failed before (a set-up that failed leaves the enforcer null).
        if (enforcer != null) {
            enforcer.close();
        }
        for (NetNamespace ns : new NetNamespace[] {a, r, b}) {
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    void aBlockedPeer_isDroppedOnInputAndForward_andLetThroughAfterUnblock() throws Exception {
        assertTrue(a.reaches("fd00:a::1", PORT), "A reaches R");
        assertTrue(a.reaches("fd00:b::2", PORT), "A reaches B through R");
        assertTrue(a.reaches("169.254.10.1", PORT), "A reaches R over IPv4 link-local");

        assertEquals(EffectResult.done(), enforcer.block(IpLiteral.parse("fd00:a::2"), ORIGIN));
        assertEquals(EffectResult.done(), enforcer.block(IpLiteral.parse("169.254.10.2"), ORIGIN));
        Await.until("input dropped (IPv6)", 100, 50, () -> !a.reaches("fd00:a::1", PORT));
        assertFalse(a.reaches("fd00:b::2", PORT), "forward dropped");
        assertFalse(a.reaches("169.254.10.1", PORT), "input dropped (IPv4)");

        assertEquals(EffectResult.done(), enforcer.unblock(IpLiteral.parse("fd00:a::2")));
        Await.until("let through again", 100, 50, () -> a.reaches("fd00:b::2", PORT));
        assertTrue(a.reaches("fd00:a::1", PORT));
        assertFalse(a.reaches("169.254.10.1", PORT), "the IPv4 block stays");
    }
}
