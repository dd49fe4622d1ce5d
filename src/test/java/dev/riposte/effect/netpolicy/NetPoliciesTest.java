package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.ManualScheduler;
import dev.riposte.testing.NeedsRoot;
import dev.riposte.testing.NetNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which backend runs, and the one-sentence reason, for each way nft can be missing or refused. */
class NetPoliciesTest {
    @TempDir
    Path dir;

    private static RiposteConfig.NetPolicy config(RiposteConfig.Backend backend, List<String> nft) {
        return config(backend, nft, true);
    }

    private static RiposteConfig.NetPolicy config(RiposteConfig.Backend backend, List<String> nft, boolean inProcess) {
        return new RiposteConfig.NetPolicy(
                backend,
                ConfigLoader.DEFAULT_NEVER_BLOCK,
                nft,
                inProcess,
                65_536,
                256,
                64,
                java.time.Duration.ofMinutes(5),
                java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(2));
    }

    private static NetPolicyStatus status(RiposteConfig.Backend backend, List<String> nft) throws Exception {
        NetPolicy policy = NetPolicies.create(
                config(backend, nft), new MemoryBlockStore(), KernelWrites.NONE, new ManualScheduler());
        try {
            return policy.status();
        } finally {
            if (policy instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @Test
    void disabledByConfiguration() throws Exception {
        assertEquals(
                new NetPolicyStatus("disabled", false, "netpolicy.backend is disabled in the configuration", 0, 0, 0),
                status(RiposteConfig.Backend.DISABLED, List.of("nft")));
    }

    @Test
    void dryRun() throws Exception {
        NetPolicyStatus s = status(RiposteConfig.Backend.DRY_RUN, List.of("nft"));
        assertEquals("dry-run", s.backend());
        assertTrue(s.active());
    }

    @Test
    void auto_withoutTheNftTool_isDisabled_withTheReason() throws Exception {
        NetPolicyStatus s = status(RiposteConfig.Backend.AUTO, List.of("/nonexistent/nft"));
        assertEquals("disabled", s.backend());
        assertEquals(
                "netpolicy.backend is auto but nftables cannot be used: cannot run /nonexistent/nft: "
                        + "command not found (is the nftables package installed?)",
                s.reason());
    }

    @NeedsRoot("a network namespace (ip netns add)")
    @Test
    void nftables_withoutCapNetAdmin_isDegraded_withTheReason() throws Exception {
        try (NetNamespace ns = new NetNamespace()) {
            List<String> withoutCap =
                    new ArrayList<>(ns.exec("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin", "nft"));
            NetPolicyStatus s = status(RiposteConfig.Backend.NFTABLES, withoutCap);
            // Asked for, so not silently disabled: degraded and tried again (RetryingNetPolicyTest).
            assertEquals("nftables", s.backend());
            assertTrue(s.reason().endsWith("; degraded, trying again every 30s"), s.reason());
            assertFalse(s.active());
            assertTrue(
                    s.reason()
                            .startsWith(
                                    "netpolicy.backend is nftables but nftables cannot be used: nft is not permitted "
                                            + "to change the firewall (riposte needs CAP_NET_ADMIN): "),
                    s.reason());
            assertTrue(s.reason().contains("Operation not permitted"), s.reason());
        }
    }

    @NeedsRoot("a network namespace (ip netns add)")
    @Test
    void auto_withAWorkingNft_isNftables() throws Exception {
        try (NetNamespace ns = new NetNamespace()) {
            NetPolicyStatus s = status(RiposteConfig.Backend.AUTO, ns.exec("nft"));
            assertEquals(new NetPolicyStatus("nftables", true, "table inet riposte is managed with nft", 0, 0, 0), s);
        }
    }

    @Test
    void thePlainNft_isReplacedByTheLibrary_unlessTurnedOff_andAnyOtherCommandRuns() {
        assertInstanceOf(
                LibraryNftRunner.class, NetPolicies.runner(config(RiposteConfig.Backend.AUTO, List.of("nft"))));
        assertInstanceOf(
                LibraryNftRunner.class,
                NetPolicies.runner(
                        config(RiposteConfig.Backend.NFTABLES, List.of("ip", "netns", "exec", "blue", "nft"))));
        assertInstanceOf(
                ProcessNftRunner.class, NetPolicies.runner(config(RiposteConfig.Backend.AUTO, List.of("nft"), false)));
        assertInstanceOf(
                ProcessNftRunner.class,
                NetPolicies.runner(config(RiposteConfig.Backend.AUTO, List.of("/usr/sbin/nft"))));
    }

    @NeedsRoot("drops CAP_NET_ADMIN from a root child with setpriv (another user's JVM has none to drop)")
    @Test
    void libnftablesWithoutCapNetAdmin_isNotCalled_andNothingReachesTheProcessesStderr() throws Exception {
        Path reactions = Files.createDirectories(dir.resolve("reactions.d"));
        Files.writeString(
                reactions.resolve("block.js"), "// @on *\nfunction process(d) { NetBlockIp('203.0.113.1'); }\n");
        Path config = Files.writeString(dir.resolve("riposte.yaml"), """
                reactions: {dir: %s}
                netpolicy: {backend: nftables}
                state: {path: %s}
                """.formatted(
                        Files.createDirectories(dir.resolve("reactions.d")), dir.resolve("state.db")));
        DaemonProcess.Cli check = DaemonProcess.cli(
                List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin"),
                "check",
                "--config",
                config.toString());
        assertTrue(
                check.output()
                        .contains(
                                "nft is not permitted to change the firewall (riposte needs CAP_NET_ADMIN): "
                                        + "Operation not permitted: this thread lacks CAP_NET_ADMIN; libnftables was not called"),
                check.output());
        assertFalse(check.output().contains("(you must be root)"), check.output());
    }
}
