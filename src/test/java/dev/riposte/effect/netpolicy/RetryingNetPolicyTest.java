package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.testing.ManualScheduler;
import dev.riposte.testing.TestNet;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An explicit nftables backend that cannot start yet: degraded and refusing, then, once the kernel works
 * (here the dry-run kernel behind an attempt that fails twice first, standing in for a cause fixed on
 * the host), the real bridge with the blocks stored meanwhile restored.
 */
class RetryingNetPolicyTest {
    static final Origin ORIGIN = new Origin("r", "e", "NetBlockIp");

    @Test
    void itRefusesWhileNftablesFails_thenRecoversByItself_withTheStoredBlocks() throws Exception {
        MemoryBlockStore store = new MemoryBlockStore();
        store.save(new Block(InetAddress.getByName("198.51.100.9"), ORIGIN, Instant.now(), null));
        AtomicInteger tries = new AtomicInteger();
        ManualScheduler time = new ManualScheduler();
        RetryingNetPolicy.Attempt attempt = () -> {
            if (tries.incrementAndGet() <= 2) {
                throw new Kernel.KernelException("nft is not permitted (try " + tries.get() + ")");
            }
            return Enforcer.start(
                    new DryRunKernel(Clock.systemUTC()),
                    store,
                    TestNet.guard(),
                    new TestNet.FakeDns(),
                    TestNet.SETTINGS,
                    Clock.systemUTC(),
                    time);
        };
        try (RetryingNetPolicy policy =
                new RetryingNetPolicy("nft is not permitted (first)", attempt, store, Duration.ofSeconds(30), time)) {
            assertEquals(List.of("netpolicy-retry"), time.jobs());
            NetPolicyStatus before = policy.status();
            assertEquals("nftables", before.backend());
            assertFalse(before.active());
            assertTrue(before.reason().contains("degraded, trying again every 30s"), before.reason());
            assertEquals(1, before.blocked(), "the stored block is shown");
            assertEquals(
                    -1,
                    policy.block(InetAddress.getByName("203.0.113.5"), ORIGIN).code());

            time.advance(Duration.ofSeconds(29));
            assertEquals(0, tries.get(), "not tried before its time");
            time.advance(Duration.ofSeconds(1));
            assertEquals(1, tries.get());
            assertTrue(
                    policy.status().reason().contains("(try 1)"),
                    policy.status().reason());
            assertFalse(policy.status().active());
            time.advance(Duration.ofSeconds(60));
            assertEquals(3, tries.get());
            assertTrue(policy.status().active());
            assertEquals("dry-run", policy.status().backend());
            assertEquals(1, policy.blocks().size(), "the stored block is restored");
            assertEquals(
                    0,
                    policy.block(InetAddress.getByName("203.0.113.5"), ORIGIN).code());
            assertEquals(2, policy.status().blocked());
            assertEquals(
                    List.of("netpolicy-reconcile", "netpolicy-domains"),
                    time.jobs(),
                    "the retry is cancelled once it works; the working bridge's jobs remain");
            time.advance(Duration.ofMinutes(10));
            assertEquals(3, tries.get(), "no more tries once it works");
            assertEquals(List.of(), time.failures());
        }
        assertEquals(List.of(), time.jobs(), "closing the bridge cancels its jobs");
    }
}
