package dev.riposte.helpers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.base.HelperCall;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.Effects;
import dev.riposte.effect.netpolicy.DisabledNetPolicy;
import dev.riposte.effect.netpolicy.Enforcer;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Sandbox;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestNet;
import dev.riposte.testing.TestSandboxes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NetUnblockIp, NetBlockIpTimer and NetBlockDomain as reactions see them: the real enforcer over the
 * dry-run kernel (DNS answered by a test double), and the bridge disabled. nftables itself is tested in
 * the netpolicy package.
 */
class NetHelpersTest {
    @TempDir
    Path tmp;

    Sandbox sandbox;
    final MutableClock clock = new MutableClock();

    /** A clock the test moves by hand, so that timers can expire without waiting. */
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-27T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    Enforcer dry;

    @AfterEach
    void stop() {
        sandbox.close();
        if (dry != null) {
            dry.close();
        }
    }

    private Enforcer dryRun() throws Exception {
        if (dry != null) {
            dry.close();
        }
        dry = TestNet.dryRun(clock);
        return dry;
    }

    private List<String> calls(NetPolicy net, Event event, String body) throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
        sandbox = TestSandboxes.create(Effects.refusing("off").withNet(net));
        Reaction r = TestSandboxes.load(sandbox, tmp, "r", "// @on *\nfunction process(data) { " + body + " }");
        RunResult result = sandbox.run(r, event);
        assertEquals(new Outcome.Ok(), result.outcome(), result.toString());
        return TestSandboxes.calls(result.calls());
    }

    /** An event with {@code count} flows, the i-th to {@code address.apply(i)}. */
    private static Event crowd(String uuid, int count, java.util.function.IntFunction<String> address)
            throws Exception {
        StringBuilder flows = new StringBuilder();
        for (int i = 0; i < count; i++) {
            flows.append(i == 0 ? "" : ",")
                    .append("{\"remote\":{\"address\":\"")
                    .append(address.apply(i))
                    .append("\"}}");
        }
        return new EventParser()
                .parse(
                        "{\"uuid\":\"" + uuid + "\",\"metadata\":{\"name\":\"n\"}," + "\"background\":{\"flow_list\":["
                                + flows + "]}}",
                        0);
    }

    @Test
    void aRunMayAskForAtMostItsShareOfBlocks_andErrnoSaysWhatWasLeftOut() throws Exception {
        Enforcer dry = dryRun();
        Event crowded = crowd("crowd", 14_000, i -> "10." + (i >> 8 & 255) + "." + (i & 255) + ".9");
        assertEquals(
                List.of(
                        "NetBlockIp()=-1 errno=NetBlockIp: 13744 more addresses were refused, from \"10.1.0.9\": a run "
                                + "may ask for at most 256 blocks (netpolicy.max_blocks_per_run)",
                        "NetBlockIp(\"203.0.113.9\")=-1 errno=NetBlockIp: refused \"203.0.113.9\": a run may ask for at "
                                + "most 256 blocks (netpolicy.max_blocks_per_run)"),
                calls(dry, crowded, "NetBlockIp(); NetBlockIp('203.0.113.9');"));
        assertEquals(256, dry.status().blocked());
    }

    @Test
    void withoutArguments_eachTargetIsRecorded_withWhatBecameOfIt_atMost64() throws Exception {
        Enforcer dry = dryRun();
        sandbox = TestSandboxes.create(Effects.refusing("off").withNet(dry));
        Reaction r = TestSandboxes.load(
                sandbox, tmp, "r", "// @on *\nfunction process(data) { NetBlockIp(); NetBlockIp(); }");
        Event mixed = new EventParser()
                .parse(
                        "{\"uuid\":\"m\",\"metadata\":{\"name\":\"n\"},\"background\":{\"flow_list\":["
                                + "{\"remote\":{\"address\":\"203.0.113.10\"}},{\"remote\":{\"address\":\"169.254.1.1\"}}]}}",
                        0);
        List<HelperCall> calls = sandbox.run(r, mixed).calls();
        assertEquals(
                List.of("\"203.0.113.10\": blocked", "\"169.254.1.1\": refused"),
                calls.get(0).targets());
        assertEquals(
                List.of("\"203.0.113.10\": already blocked", "\"169.254.1.1\": refused"),
                calls.get(1).targets());

        Event crowded = crowd("c", 300, i -> "10.9." + (i >> 8 & 255) + "." + (i & 255));
        List<String> targets = sandbox.run(
                        TestSandboxes.load(sandbox, tmp, "c", "// @on *\nfunction process(d) { NetBlockIp(); }"),
                        crowded)
                .calls()
                .getFirst()
                .targets();
        assertEquals(65, targets.size(), "64 kept, then a count");
        assertEquals("\"10.9.0.0\": blocked", targets.getFirst());
        assertEquals("and 193 more", targets.getLast(), "256 blocked and one line for the 44 not tried: 257 - 64");
    }

    @Test
    void unblock_liftsABlock_once() throws Exception {
        Enforcer dry = dryRun();
        assertEquals(
                List.of(
                        "NetBlockIp(\"203.0.113.7\")=0",
                        "NetUnblockIp(\"203.0.113.7\")=0",
                        "NetUnblockIp(\"203.0.113.7\")=1",
                        "NetUnblockIp(\"127.0.0.1\")=1",
                        "NetUnblockIp(\"nope\")=-1 errno=NetUnblockIp: \"nope\" is not a literal IPv4 or IPv6 address "
                                + "(host names are not resolved)",
                        "NetUnblockIp()=-1 errno=NetUnblockIp: expected 1 argument, got 0"),
                calls(
                        dry,
                        Samples.event("01"),
                        "NetBlockIp('203.0.113.7'); NetUnblockIp('203.0.113.7');"
                                + "NetUnblockIp('203.0.113.7'); NetUnblockIp('127.0.0.1'); NetUnblockIp('nope'); NetUnblockIp();"));
        assertEquals(0, dry.status().blocked());
    }

    @Test
    void timer_blocksForAWhile_restartsOnRepeat_andNeverShortensAPermanentBlock() throws Exception {
        Enforcer dry = dryRun();
        assertEquals(
                List.of(
                        "NetBlockIpTimer(\"203.0.113.7\", 60)=0",
                        "NetBlockIpTimer(\"203.0.113.7\", 120)=0",
                        "NetBlockIp(\"198.51.100.1\")=0",
                        "NetBlockIpTimer(\"198.51.100.1\", 60)=1"),
                calls(
                        dry,
                        Samples.event("01"),
                        "NetBlockIpTimer('203.0.113.7', 60); NetBlockIpTimer('203.0.113.7', 120);"
                                + "NetBlockIp('198.51.100.1'); NetBlockIpTimer('198.51.100.1', 60);"));
        assertEquals(2, dry.status().blocked());
        clock.now = clock.now.plus(Duration.ofSeconds(119));
        assertEquals(2, dry.status().blocked());
        clock.now = clock.now.plus(Duration.ofSeconds(2));
        assertEquals(1, dry.status().blocked(), "the timed block ended; the permanent one stays");
    }

    @Test
    void timer_checksItsArguments_andTheGuard() throws Exception {
        assertEquals(
                List.of(
                        "NetBlockIpTimer(\"203.0.113.7\", 0)=-1 errno=NetBlockIpTimer: argument 2 (seconds) must be from 1 "
                                + "to 31536000 (365 days), got 0",
                        "NetBlockIpTimer(\"203.0.113.7\", \"60\")=-1 errno=NetBlockIpTimer: argument 2 (seconds) must be a "
                                + "whole number, got string",
                        "NetBlockIpTimer(\"203.0.113.7\")=-1 errno=NetBlockIpTimer: expected 2 arguments, got 1",
                        "NetBlockIpTimer(\"127.0.0.1\", 60)=-1 errno=NetBlockIpTimer: refused 127.0.0.1: inside "
                                + "never_block 127.0.0.0/8"),
                calls(
                        dryRun(),
                        Samples.event("01"),
                        "NetBlockIpTimer('203.0.113.7', 0);"
                                + "NetBlockIpTimer('203.0.113.7', '60'); NetBlockIpTimer('203.0.113.7'); NetBlockIpTimer('127.0.0.1', 60);"));
    }

    @Test
    void blockDomain_checksTheName_thenFollowsIt() throws Exception {
        assertEquals(
                List.of(
                        "NetBlockDomain(\"Pool.Crypto-Mirror.example.\")=0",
                        "NetBlockDomain(\"pool.crypto-mirror.example\")=1",
                        "NetBlockDomain(\"203.0.113.7\")=-1 errno=NetBlockDomain: \"203.0.113.7\" is an IP address; use NetBlockIp",
                        "NetBlockDomain(\"bad..example\")=-1 errno=NetBlockDomain: \"bad..example\" is not a host name "
                                + "(label \"\": letters, digits, - and _, 1 to 63 characters, no - at either end)",
                        "NetBlockDomain(\"localhost\")=-1 errno=NetBlockDomain: \"localhost\" is not a host name (a.b.example: "
                                + "ASCII labels joined by dots, at most 253 characters; encode IDNs as xn--)",
                        "NetBlockDomain(\"a b.example\")=-1 errno=NetBlockDomain: \"a b.example\" is not a host name "
                                + "(label \"a b\": letters, digits, - and _, 1 to 63 characters, no - at either end)"),
                calls(
                        dryRun(),
                        Samples.event("01"),
                        "NetBlockDomain('Pool.Crypto-Mirror.example.');"
                                + "NetBlockDomain('pool.crypto-mirror.example'); NetBlockDomain('203.0.113.7');"
                                + "NetBlockDomain('bad..example'); NetBlockDomain('localhost'); NetBlockDomain('a b.example');"));
    }

    @Test
    void withoutArguments_everyRemoteNameOfTheEventIsFollowed() throws Exception {
        // Sample 06 names one domain in flow, flow_list and the legacy aggregate; sample 07 (drop IP) in names;
        // sample 08 (legacy drop domain) in domain.
        for (String sample : List.of("06", "07", "08")) {
            Enforcer dry = dryRun();
            List<String> calls = calls(dry, Samples.event(sample), "NetBlockDomain(); NetBlockDomain();");
            assertEquals(List.of("NetBlockDomain()=0", "NetBlockDomain()=1"), calls, "sample " + sample);
        }
    }

    @Test
    void disabled_everyNetworkHelperFailsWithTheReason() throws Exception {
        String off = "errno=%s: the netpolicy feature is off: nft is not permitted to change the firewall";
        assertEquals(
                List.of(
                        "NetUnblockIp(\"203.0.113.7\")=-1 " + off.formatted("NetUnblockIp"),
                        "NetBlockIpTimer(\"203.0.113.7\", 60)=-1 " + off.formatted("NetBlockIpTimer"),
                        "NetBlockDomain(\"evil.example\")=-1 " + off.formatted("NetBlockDomain")),
                calls(
                        new DisabledNetPolicy("nft is not permitted to change the firewall"),
                        Samples.event("01"),
                        "NetUnblockIp('203.0.113.7'); NetBlockIpTimer('203.0.113.7', 60); NetBlockDomain('evil.example');"));
    }
}
