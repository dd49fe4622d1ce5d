package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.base.EffectResult;
import dev.riposte.base.IpLiteral;
import dev.riposte.testing.Await;
import dev.riposte.testing.ManualScheduler;
import dev.riposte.testing.TestNet;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Domains followed and the host's own addresses, over the dry-run kernel with resolvers and interfaces the test controls. */
class EnforcerTest {
    static final Origin ORIGIN = new Origin("r", "u", "NetBlockDomain");
    Enforcer enforcer;
    final DryRunKernel kernel = new DryRunKernel(Clock.systemUTC());

    @AfterEach
    void stop() {
        enforcer.close();
    }

    /** Test double for DNS whose answers the test changes. */
    static final class ChangingDns implements Resolver {
        final Map<String, List<InetAddress>> answers = new HashMap<>();

        @Override
        public List<InetAddress> resolve(String domain) throws ResolveException {
            List<InetAddress> a = answers.get(domain);
            if (a == null) {
                throw new ResolveException(domain + " does not resolve (no such name)");
            }
            return a;
        }
    }

    private static List<String> addresses(Enforcer e) {
        return e.blocks().stream()
                .map(b -> IpLiteral.format(b.address()) + " " + b.origin().reason())
                .toList();
    }

    @Test
    void aFollowedDomain_gainsTheAddressesItResolvesToLater() throws Exception {
        ChangingDns dns = new ChangingDns();
        dns.answers.put("evil.example", List.of(IpLiteral.parse("203.0.113.1"), IpLiteral.parse("2001:db8::1")));
        enforcer = Enforcer.start(
                kernel,
                new MemoryBlockStore(),
                TestNet.guard(),
                dns,
                TestNet.SETTINGS,
                Clock.systemUTC(),
                new ManualScheduler());
        assertEquals(
                EffectResult.done(), enforcer.blockDomain("evil.example", ORIGIN, java.time.Duration.ofSeconds(5)));
        assertEquals(
                EffectResult.unchanged(),
                enforcer.blockDomain("evil.example", ORIGIN, java.time.Duration.ofSeconds(5)));
        assertEquals(
                List.of("203.0.113.1 domain evil.example", "2001:db8::1 domain evil.example"), addresses(enforcer));

        dns.answers.put("evil.example", List.of(IpLiteral.parse("203.0.113.2")));
        enforcer.refreshDomains();
        assertEquals(
                List.of(
                        "203.0.113.1 domain evil.example",
                        "2001:db8::1 domain evil.example",
                        "203.0.113.2 domain evil.example"),
                addresses(enforcer),
                "old addresses stay, new ones join");

        assertEquals(
                EffectResult.failed("cannot follow gone.example: gone.example does not resolve (no such name)"),
                enforcer.blockDomain("gone.example", ORIGIN, java.time.Duration.ofSeconds(5)));
        assertEquals(1, enforcer.domains().size());
        assertEquals(EffectResult.done(), enforcer.unblockDomain("evil.example"));
        assertEquals(List.of(), addresses(enforcer), "its blocks go with it");
        assertEquals(EffectResult.unchanged(), enforcer.unblockDomain("evil.example"));
    }

    @Test
    void aFollowedDomain_keepsABoundedNumberOfAddresses_theOldestGoingFirst() throws Exception {
        ChangingDns dns = new ChangingDns();
        dns.answers.put(
                "hydra.example",
                List.of(
                        IpLiteral.parse("203.0.113.1"),
                        IpLiteral.parse("203.0.113.2"),
                        IpLiteral.parse("203.0.113.3"),
                        IpLiteral.parse("203.0.113.4")));
        enforcer = Enforcer.start(
                kernel,
                new MemoryBlockStore(),
                TestNet.guard(),
                dns,
                new Enforcer.Settings(65_536, 3, java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(30)),
                Clock.systemUTC(),
                new ManualScheduler());
        assertEquals(
                EffectResult.failed("hydra.example is followed, but 1 of its 4 addresses were not blocked: a domain "
                        + "keeps at most 3 (netpolicy.max_domain_addresses)"),
                enforcer.blockDomain("hydra.example", ORIGIN, java.time.Duration.ofSeconds(5)));
        assertEquals(
                List.of(
                        "203.0.113.1 domain hydra.example",
                        "203.0.113.2 domain hydra.example",
                        "203.0.113.3 domain hydra.example"),
                addresses(enforcer));
        for (int round = 10; round < 30; round++) {
            dns.answers.put("hydra.example", List.of(IpLiteral.parse("198.51.100." + round)));
            enforcer.refreshDomains();
        }
        assertEquals(
                List.of(
                        "198.51.100.27 domain hydra.example",
                        "198.51.100.28 domain hydra.example",
                        "198.51.100.29 domain hydra.example"),
                addresses(enforcer),
                "20 refreshes later: still 3, the newest");
    }

    @Test
    void aDomainResolvingToAGuardedAddress_isFollowed_butThatAddressIsRefused() throws Exception {
        ChangingDns dns = new ChangingDns();
        dns.answers.put("mixed.example", List.of(IpLiteral.parse("127.0.0.1"), IpLiteral.parse("203.0.113.9")));
        enforcer = Enforcer.start(
                kernel,
                new MemoryBlockStore(),
                TestNet.guard(),
                dns,
                TestNet.SETTINGS,
                Clock.systemUTC(),
                new ManualScheduler());
        assertEquals(
                EffectResult.failed("mixed.example is followed, but refused 127.0.0.1: inside never_block 127.0.0.0/8"),
                enforcer.blockDomain("mixed.example", ORIGIN, java.time.Duration.ofSeconds(5)));
        assertEquals(List.of("203.0.113.9 domain mixed.example"), addresses(enforcer));
    }

    @Test
    void theHostsOwnAddresses_areRefused_andReadAgainWhenTheyMayHaveChanged() throws Exception {
        Map<InetAddress, String> host =
                new HashMap<>(Map.of(IpLiteral.parse("192.0.2.10"), "an address of this host (eth0)"));
        long[] ticks = {0};
        Guard guard = new Guard(List.of(), () -> new HashMap<>(host), () -> ticks[0]);
        enforcer = Enforcer.start(
                kernel,
                new MemoryBlockStore(),
                guard,
                new ChangingDns(),
                TestNet.SETTINGS,
                Clock.systemUTC(),
                new ManualScheduler());
        assertEquals(
                EffectResult.failed("refused 192.0.2.10: an address of this host (eth0)"),
                enforcer.block(IpLiteral.parse("192.0.2.10"), ORIGIN));
        host.put(IpLiteral.parse("2001:db8::10"), "an address of this host (wlan0)");
        enforcer.reconcile();
        assertEquals(
                EffectResult.failed("refused 2001:db8::10: an address of this host (wlan0)"),
                enforcer.block(IpLiteral.parse("2001:db8::10"), ORIGIN),
                "read again at reconcile");
        host.put(IpLiteral.parse("192.0.2.11"), "an address of this host (eth1)");
        ticks[0] += Guard.HOST_ADDRESS_AGE.toNanos() + 1;
        assertEquals(
                EffectResult.failed("refused 192.0.2.11: an address of this host (eth1)"),
                enforcer.block(IpLiteral.parse("192.0.2.11"), ORIGIN),
                "and when the last reading is over a second old");
        List<String> refused = new ArrayList<>();
        for (String a : List.of("0.0.0.0", "224.0.0.1", "ff02::1")) {
            refused.add(enforcer.block(IpLiteral.parse(a), ORIGIN).error());
        }
        assertEquals(
                List.of(
                        "refused 0.0.0.0: not a unicast address",
                        "refused 224.0.0.1: not a unicast address",
                        "refused ff02::1: not a unicast address"),
                refused);
    }

    /**
     * The dry-run kernel, noting the thread of every call after start, and blocking an address from another
     * thread while a repair lists the sets.
     */
    static final class WatchedKernel implements Kernel {
        final DryRunKernel sets = new DryRunKernel(Clock.systemUTC());
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile Runnable duringList = () -> {};

        @Override
        public String name() {
            return "dry-run";
        }

        @Override
        public void setup() {
            sets.setup();
        }

        @Override
        public boolean present() {
            threads.add(Thread.currentThread().getName());
            return sets.present();
        }

        @Override
        public void replace(Collection<Element> elements) {
            sets.replace(elements);
        }

        @Override
        public void apply(Collection<Element> add, Collection<InetAddress> delete) {
            threads.add(Thread.currentThread().getName());
            sets.apply(add, delete);
        }

        @Override
        public Map<InetAddress, Duration> list() {
            threads.add(Thread.currentThread().getName());
            duringList.run();
            return sets.list();
        }

        @Override
        public void remove() {
            sets.remove();
        }
    }

    @Test
    void aRepair_runsOnTheWritersThread_andKeepsABlockMadeWhileItLooks() throws Exception {
        WatchedKernel watched = new WatchedKernel();
        enforcer = Enforcer.start(
                watched,
                new MemoryBlockStore(),
                TestNet.guard(),
                new TestNet.FakeDns(),
                TestNet.SETTINGS,
                Clock.systemUTC(),
                new ManualScheduler());
        assertEquals(EffectResult.done(), enforcer.block(IpLiteral.parse("203.0.113.1"), ORIGIN));
        Await.until(
                "the first block is in the kernel",
                250,
                20,
                () -> watched.sets.list().containsKey(IpLiteral.parse("203.0.113.1")));
        InetAddress late = IpLiteral.parse("203.0.113.9");
        List<EffectResult> answer = new ArrayList<>();
        watched.duringList = () -> {
            watched.duringList = () -> {};
            Thread blocker = Thread.ofPlatform().start(() -> answer.add(enforcer.block(late, ORIGIN)));
            try {
                blocker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        assertEquals(0, enforcer.reconcile(), "nothing to repair: the block made meanwhile is the writer's next batch");
        assertEquals(List.of(EffectResult.done()), answer);
        Await.until(
                "the block made during the repair is in the kernel",
                250,
                20,
                () -> watched.sets.list().containsKey(late));
        assertEquals(
                Set.of(IpLiteral.parse("203.0.113.1"), late),
                watched.sets.list().keySet());
        assertEquals(Set.of("riposte-netpolicy"), watched.threads, "every change and look after start");
    }
}
