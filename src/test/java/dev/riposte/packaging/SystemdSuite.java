package dev.riposte.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.testing.DaemonProcess;
import dev.riposte.testing.NspawnMachine;
import dev.riposte.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The .deb built by this build, installed with apt into a release booted with its real systemd
 * ({@link NspawnMachine}), and run as the service an operator gets. The steps run in order on one
 * machine, as an operator's day would: install, start, react, ..., purge. The machine has no Java:
 * the package brings its own runtime. One subclass per release.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SystemdSuite {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Path work;
    private NspawnMachine machine;

    /** The release the machine runs. */
    abstract NspawnMachine.Distro distro();

    /** What to do when the release's root cannot be made here: fail, or skip saying why. */
    abstract void unavailable(String why);

    @BeforeAll
    void boot() throws Exception {
        NspawnMachine.unavailable().ifPresent(why -> {
            throw new AssertionError("a real systemd cannot be booted here: " + why);
        });
        distro().unavailable().ifPresent(this::unavailable);
        work = Files.createTempDirectory("riposte-systemd-it");
        machine = NspawnMachine.boot(
                distro(),
                "riposte-it-"
                        + distro().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + "-"
                        + ProcessHandle.current().pid(),
                work);
    }

    @AfterAll
    void halt() throws Exception {
        try {
            if (machine != null) {
                machine.close();
            }
        } finally {
            if (work != null) {
                NspawnMachine.deleteTree(work);
            }
        }
    }

    private static Path deb() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("riposte_.*\\.deb"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no riposte_*.deb in target/ (mvn package builds it)"));
        }
    }

    /** Runs a command that must succeed; if it does not, the failure shows the service's last journal lines. */
    private NspawnMachine.Result ok(String... command) throws Exception {
        NspawnMachine.Result r = machine.exec(command);
        if (r.code() != 0) {
            String journal = machine.exec("journalctl", "-u", "riposte", "-n", "40", "--no-pager")
                    .output();
            assertEquals(0, r.code(), String.join(" ", command) + ":\n" + r.output() + "\n--- journal:\n" + journal);
        }
        return r;
    }

    private String value(String property) throws Exception {
        return ok("systemctl", "show", "riposte", "-p", property, "--value")
                .output()
                .strip();
    }

    @Test
    @Order(1)
    void install_withApt_enablesTheServiceButDoesNotStartIt() throws Exception {
        NspawnMachine.Result java = machine.sh("command -v java || ls -d /usr/lib/jvm");
        assertTrue(java.code() != 0, "a machine with no Java: " + java.output());
        Files.copy(deb(), machine.root().resolve("root/riposte.deb"));
        ok("apt-get", "install", "-y", "/root/riposte.deb");
        assertEquals(
                "enabled",
                machine.exec("systemctl", "is-enabled", "riposte").output().strip());
        assertEquals(
                "inactive",
                machine.exec("systemctl", "is-active", "riposte").output().strip());
    }

    @Test
    @Order(2)
    void start_isReady_withTheLaunchersJvmSettings_andTheShippedAheadOfTimeCache_fromTheFirstStart() throws Exception {
        ok("systemctl", "start", "riposte");
        assertEquals("active", value("ActiveState"));
        double first = (Long.parseLong(value("ActiveEnterTimestampMonotonic"))
                        - Long.parseLong(value("ExecMainStartTimestampMonotonic")))
                / 1e6;
        long pid = Long.parseLong(value("MainPID"));
        String cmdline = ok("cat", "/proc/" + pid + "/cmdline").output().replace('\0', ' ');
        // RIPOSTE_JAVA_OPTS in the unit used to replace these: the service ran G1 with other settings.
        assertTrue(cmdline.startsWith("/usr/lib/riposte/runtime/bin/java "), cmdline);
        List<String> flags = new ArrayList<>(DaemonProcess.LAUNCHER_JVM);
        flags.add("-XX:AOTCache=/usr/lib/riposte/lib/riposte-run.aot");
        for (String flag : flags) {
            assertTrue(cmdline.contains(flag), flag + " in " + cmdline);
        }
        // The first start maps the cache made at build time: the JVM drops one that does not fit its jars.
        // It used to make its class-data archive at the first exit, so only later starts were fast.
        assertTrue(
                ok("grep", "-c", "riposte-run.aot", "/proc/" + pid + "/maps")
                        .output()
                        .strip()
                        .matches("[1-9][0-9]*"),
                "the first start uses the shipped cache");
        // The CLI's archives (here riposte reload's, run by ExecReload as the service user) are the service's own.
        ok("systemctl", "reload", "riposte");
        String archive = ok("stat", "-c", "%U %a", "/var/cache/riposte/riposte-reload.jsa")
                .output()
                .strip();
        assertEquals("riposte 600", archive);
        // A jar put there after the package (newer than the cache) would have the JVM load the old jar's
        // classes from the cache: Temurin 25.0.3 does not check (JDK-8377932). The launcher leaves it unused.
        ok("touch", "/usr/lib/riposte/lib/riposte.jar");
        ok("systemctl", "restart", "riposte");
        String changed =
                ok("cat", "/proc/" + value("MainPID") + "/cmdline").output().replace('\0', ' ');
        assertFalse(changed.contains("-XX:AOTCache="), changed);
        assertTrue(ok("journalctl", "-u", "riposte", "--no-pager", "-o", "cat", "-n", "200")
                .output()
                .contains("changed after /usr/lib/riposte/lib/riposte-run.aot was made: starting without it"));
        ok("touch", "-r", "/usr/lib/riposte/lib/riposte-run.aot", "/usr/lib/riposte/lib/riposte.jar");
        ok("systemctl", "restart", "riposte");
        assertTrue(ok("cat", "/proc/" + value("MainPID") + "/cmdline").output().contains("-XX:AOTCache="));
        // GraalVM's native library is unpacked into the cache, not into the state directory (riposte's home).
        assertEquals(
                "", ok("find", "/var/lib/riposte", "-name", "*.so*").output().strip());
        assertTrue(ok("find", "/var/cache/riposte/polyglot", "-name", "libtruffleattach.so")
                .output()
                .contains("libtruffleattach.so"));
        // The machine's only interface is lo: Netty used to warn about the missing MAC address at every start.
        String warnings = ok("journalctl", "-u", "riposte", "-p", "warning", "--no-pager", "-o", "cat")
                .output();
        assertFalse(warnings.contains("hardware address"), warnings);
        long started = Long.parseLong(value("ExecMainStartTimestampMonotonic"));
        long ready = Long.parseLong(value("ActiveEnterTimestampMonotonic"));
        System.out.printf(
                distro()
                        + ": riposte under systemd: start to READY %.2f s the first time, %.2f s after a restart%n%s%n",
                first,
                (ready - started) / 1e6,
                ok("/bin/sh", "-c", "journalctl -u riposte -o cat | grep 'ready:'")
                        .output());
    }

    @Test
    @Order(3)
    void theTwelveSamples_run_andTheJournalHasAReadableLineWithFieldsForEachRun() throws Exception {
        Files.writeString(machine.root().resolve("etc/riposte/reactions.d/log-all.js"), """
                // @on kind=*
                function process(data) { Info("seen " + data.metadata.name); }
                """);
        Files.copy(Samples.NDJSON, machine.root().resolve("root/samples.ndjson"));
        ok("systemctl", "reload", "riposte");
        awaitStats(
                "the reaction loaded", s -> s.path("reactions").path("loaded").size() == 1);
        ok("riposte", "send", "--config", "/etc/riposte/riposte.yaml", "/root/samples.ndjson");
        awaitStats("12 events done", s -> s.path("events").path("done").asInt() == 12);
        String journal = ok(
                        "journalctl",
                        "-u",
                        "riposte",
                        "-o",
                        "json",
                        "--no-pager",
                        "LOGGER=riposte.audit",
                        "REACTION=log-all")
                .output();
        List<JsonNode> runs = new ArrayList<>();
        for (String line : journal.split("\n")) {
            if (!line.isBlank()) {
                runs.add(JSON.readTree(line));
            }
        }
        assertEquals(
                12,
                runs.size(),
                runs.stream().map(r -> r.path("MESSAGE").asText()).toList().toString());
        for (JsonNode run : runs) {
            assertEquals("ok", run.path("OUTCOME").asText(), run.toString());
            assertFalse(run.path("EVENT_UUID").asText().isEmpty(), run.toString());
            String message = run.path("MESSAGE").asText();
            // journalctl -u riposte shows MESSAGE alone: it has to say what ran on what.
            assertTrue(
                    message.contains("log-all")
                            && message.contains(run.path("EVENT_NAME").asText())
                            && message.contains("ok"),
                    message);
        }
    }

    @Test
    @Order(4)
    void withMetricsListen_prometheusScrapesIt_underTheUnitsHardening() throws Exception {
        Path config = machine.root().resolve("etc/riposte/riposte.yaml");
        String shipped = Files.readString(config);
        try {
            Files.writeString(config, shipped.replace("  listen: \"\"", "  listen: 127.0.0.1:9464"));
            ok("systemctl", "restart", "riposte");
            String scrape = ok(
                            "/bin/sh",
                            "-c",
                            "printf 'GET /metrics HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' | socat -t 10 - "
                                    + "TCP:127.0.0.1:9464")
                    .output();
            assertTrue(
                    scrape.startsWith("HTTP/1.1 200"),
                    scrape.lines().findFirst().orElse(""));
            assertTrue(scrape.contains("\nriposte_netpolicy_active{backend=\"nftables\"} 1.0\n"), scrape);
            // The restore at start is one nft process, timed: written once, and taken by the kernel.
            assertTrue(
                    scrape.contains(
                            "\nriposte_netpolicy_kernel_write_seconds_count{result=\"ok\",write=\"replace\"} 1\n"),
                    scrape);
            assertTrue(scrape.contains("\nriposte_build_info{version=\""), scrape);
            assertTrue(scrape.contains("\njvm_threads_current "), scrape);
        } finally {
            Files.writeString(config, shipped); // the conffile as shipped: the upgrade step must not ask about it
            ok("systemctl", "restart", "riposte");
        }
    }

    /** The daemon's stats as they are the moment {@code before} has returned (socat: no JVM start in between). */
    private JsonNode statsRightAfter(String before) throws Exception {
        NspawnMachine.Result r = ok(
                "/bin/sh",
                "-c",
                before + " && echo '{\"command\":\"stats\"}' | socat -t 10 - "
                        + "UNIX-CONNECT:/run/riposte/control.sock");
        String[] lines = r.output().strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static List<String> loaded(JsonNode stats) {
        List<String> names = new ArrayList<>();
        stats.path("reactions")
                .path("loaded")
                .forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    @Test
    @Order(5)
    void systemctlReload_returnsOnlyOnceTheDaemonHasReloaded() throws Exception {
        for (int i = 0; i < 8; i++) {
            Files.writeString(
                    machine.root().resolve("etc/riposte/reactions.d/reload-" + i + ".js"),
                    "// @on name=never\nfunction process(data) { }\n");
            JsonNode stats = statsRightAfter("systemctl reload riposte");
            assertTrue(loaded(stats).contains("reload-" + i), "try " + i + ": " + loaded(stats));
        }
    }

    @Test
    @Order(6)
    void aReactionCopiedInRightAfterARestart_isLoaded() throws Exception {
        for (int i = 0; i < 3; i++) {
            String name = "after-restart-" + i;
            ok(
                    "/bin/sh",
                    "-c",
                    "systemctl restart riposte && printf '// @on name=never\\nfunction process(d) { }\\n' > "
                            + "/etc/riposte/reactions.d/" + name + ".js");
            awaitStats(name + " loaded", s -> loaded(s).contains(name));
        }
    }

    @Test
    @Order(7)
    void aShellReaction_runsAsTheServiceUser_withNoCapabilities_soItCanReadNoSecretAndTouchNoFirewall()
            throws Exception {
        // It used to inherit the unit's ambient capabilities: it read /etc/shadow and made an nft table of its own.
        Files.writeString(machine.root().resolve("etc/riposte/reactions.d/caps.sh"), """
                # @on name=crypto_miner_execution
                id -un
                grep -E '^Cap(Inh|Prm|Eff|Amb):' /proc/self/status | tr -s '\\t' ' '
                cat /etc/shadow >/dev/null 2>&1 || echo 'shadow: refused'
                nft add table inet shell-made 2>/dev/null || echo 'nft: refused'
                """);
        ok("systemctl", "reload", "riposte");
        Files.writeString(
                machine.root().resolve("root/caps.json"),
                Samples.line("01")
                                .replace("fc76e4b9-eefa-45a7-adb7-9e86509665e4", "66666666-2222-4333-8444-555555555555")
                        + "\n");
        ok("riposte", "send", "--config", "/etc/riposte/riposte.yaml", "/root/caps.json");
        ok(
                "/bin/sh",
                "-c",
                "for i in $(seq 150); do journalctl -u riposte -o cat LOGGER=riposte.audit REACTION=caps "
                        + "| grep -q . && exit 0; sleep 0.2; done; exit 1");
        String audit = ok(
                        "journalctl",
                        "-u",
                        "riposte",
                        "-o",
                        "json",
                        "--no-pager",
                        "LOGGER=riposte.audit",
                        "REACTION=caps")
                .output()
                .strip();
        assertEquals("ok", JSON.readTree(audit).path("OUTCOME").asText(), audit);
        List<String> output = new ArrayList<>();
        for (String line : ok("journalctl", "-u", "riposte", "-o", "cat", "--no-pager", "REACTION=caps")
                .output()
                .split("\n")) {
            if (line.startsWith("shell output: ")) {
                output.add(line.substring("shell output: ".length()));
            }
        }
        // Started with no ambient capabilities, it has none: its inheritable set (the unit's three: NET_ADMIN,
        // KILL, DAC_READ_SEARCH) gives none under no_new_privs to programs without file capabilities.
        assertEquals(
                List.of(
                        "riposte",
                        "CapInh: 0000000000001024",
                        "CapPrm: 0000000000000000",
                        "CapEff: 0000000000000000",
                        "CapAmb: 0000000000000000",
                        "shadow: refused",
                        "nft: refused"),
                output);
        assertFalse(ok("nft", "list", "tables").output().contains("shell-made"));
        Files.delete(machine.root().resolve("etc/riposte/reactions.d/caps.sh"));
        ok("systemctl", "reload", "riposte");
    }

    @Test
    @Order(8)
    void killedWithSigkill_itIsRestarted_withItsBlocksInTheKernel_andItsAuditTrail() throws Exception {
        Files.writeString(machine.root().resolve("etc/riposte/reactions.d/block.js"), """
                // @on name=crypto_miner_execution
                function process(data) { NetBlockIp("203.0.113.77"); }
                """);
        ok("systemctl", "reload", "riposte");
        Files.writeString(
                machine.root().resolve("root/miner.json"),
                Samples.line("01")
                                .replace("fc76e4b9-eefa-45a7-adb7-9e86509665e4", "11111111-2222-4333-8444-555555555555")
                        + "\n");
        ok("riposte", "send", "--config", "/etc/riposte/riposte.yaml", "/root/miner.json");
        awaitStats("the block", s -> s.path("netpolicy").path("blocked").asInt() == 1);
        assertTrue(
                ok("nft", "list", "set", "inet", "riposte", "block4").output().contains("203.0.113.77"));
        // Written by libnftables inside the daemon (nft_in_process), under the unit's filters, not by an nft process.
        assertTrue(
                ok("grep", "-c", "libnftables.so.1", "/proc/" + value("MainPID") + "/maps")
                        .output()
                        .strip()
                        .matches("[1-9][0-9]*"),
                "libnftables is mapped in the daemon");
        int audited = ok("riposte", "audit", "--config", "/etc/riposte/riposte.yaml", "--json")
                .output()
                .strip()
                .split("\n")
                .length;
        String before = value("MainPID");
        ok("systemctl", "kill", "-s", "KILL", "riposte");
        awaitRestart(before);
        assertTrue(
                ok("nft", "list", "set", "inet", "riposte", "block4").output().contains("203.0.113.77"));
        assertTrue(ok("riposte", "blocks", "--config", "/etc/riposte/riposte.yaml")
                .output()
                .contains("203.0.113.77"));
        assertEquals(
                audited,
                ok("riposte", "audit", "--config", "/etc/riposte/riposte.yaml", "--json")
                        .output()
                        .strip()
                        .split("\n")
                        .length,
                "the audit trail is whole");
    }

    @Test
    @Order(9)
    void aStoppedDaemon_isKilledByTheWatchdog_andRestarted() throws Exception {
        // 150 s as shipped; a drop-in makes the test shorter, as an operator's would.
        Path dropIn = Files.createDirectories(machine.root().resolve("etc/systemd/system/riposte.service.d"));
        Files.writeString(dropIn.resolve("watchdog.conf"), "[Service]\nWatchdogSec=6s\n");
        ok("systemctl", "daemon-reload");
        ok("systemctl", "restart", "riposte");
        String before = value("MainPID");
        ok("kill", "-STOP", before);
        awaitRestart(before);
        String log =
                ok("journalctl", "-u", "riposte", "--no-pager", "-n", "200").output();
        assertTrue(log.contains("Watchdog timeout"), log);
        Files.delete(dropIn.resolve("watchdog.conf"));
        ok("systemctl", "daemon-reload");
    }

    @Test
    @Order(10)
    void anUpgrade_restartsTheRunningService() throws Exception {
        ok("systemctl", "restart", "riposte");
        String before = value("MainPID");
        ok("apt-get", "install", "-y", "--reinstall", "/root/riposte.deb");
        awaitRestart(before);
    }

    @Test
    @Order(11)
    void nftablesThatCannotWorkYet_isDegraded_showsTheStoredBlocks_andRecoversByItself() throws Exception {
        // An nft that refuses until /run/nft-ok exists stands in for a cause an operator fixes later.
        Path wrapper = machine.root().resolve("usr/local/bin/nft-later");
        Files.writeString(
                wrapper,
                "#!/bin/sh\n[ -e /run/nft-ok ] && exec /usr/sbin/nft \"$@\"\n"
                        + "echo 'Error: Could not process rule: Operation not permitted' >&2\nexit 1\n");
        ok("chmod", "755", "/usr/local/bin/nft-later");
        Path yaml = machine.root().resolve("etc/riposte/riposte.yaml");
        String shipped = Files.readString(yaml);
        assertTrue(shipped.contains("\n  backend: auto\n") && shipped.contains("\n  nft_command: [nft]\n"));
        Files.writeString(
                yaml,
                shipped.replace("\n  backend: auto\n", "\n  backend: nftables\n")
                        .replace("\n  nft_command: [nft]\n", "\n  nft_command: [/usr/local/bin/nft-later]\n"));
        try {
            ok("systemctl", "restart", "riposte");
            JsonNode degraded = statsRightAfter("true").path("netpolicy");
            assertEquals("nftables", degraded.path("backend").asText(), degraded.toString());
            assertFalse(degraded.path("active").asBoolean(), degraded.toString());
            assertTrue(
                    degraded.path("reason").asText().contains("degraded, trying again every 30s"), degraded.toString());
            assertTrue(value("StatusText").contains("netpolicy nftables (inactive)"), value("StatusText"));
            // The block stored before (step 7) is still listed, and said to be unmanaged.
            String blocks = ok("riposte", "blocks", "--config", "/etc/riposte/riposte.yaml")
                    .output();
            assertTrue(blocks.contains("netpolicy is off: ") && blocks.contains("203.0.113.77"), blocks);
            ok("touch", "/run/nft-ok");
            awaitStats(
                    "nftables working again",
                    st -> st.path("netpolicy").path("active").asBoolean());
            assertTrue(ok("nft", "list", "set", "inet", "riposte", "block4")
                    .output()
                    .contains("203.0.113.77"));
        } finally {
            Files.writeString(yaml, shipped);
            ok("systemctl", "restart", "riposte");
        }
    }

    /** Waits until the service runs again under another main process than {@code before}. */
    private void awaitRestart(String before) throws Exception {
        for (int i = 0; i < 150; i++) {
            String pid = value("MainPID");
            if (!pid.equals(before) && !pid.equals("0") && value("ActiveState").equals("active")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not restarted: "
                + machine.exec("systemctl", "status", "riposte", "--no-pager").output());
    }

    private void awaitStats(String what, java.util.function.Predicate<JsonNode> test) throws Exception {
        JsonNode last = null;
        for (int i = 0; i < 60; i++) {
            NspawnMachine.Result r =
                    machine.exec("riposte", "stats", "--json", "--config", "/etc/riposte/riposte.yaml");
            if (r.code() == 0) {
                last = JSON.readTree(r.output());
                if (test.test(last)) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("never " + what + ": " + last);
    }

    @Test
    @Order(91)
    void stop_isClean() throws Exception {
        ok("systemctl", "stop", "riposte");
        assertEquals(
                "inactive",
                machine.exec("systemctl", "is-active", "riposte").output().strip());
        assertEquals("success", value("Result"));
    }

    @Test
    @Order(100)
    void purge_leavesNothingRiposteMade() throws Exception {
        ok("apt-get", "purge", "-y", "riposte");
        for (String path : List.of(
                "/usr/lib/riposte",
                "/etc/riposte",
                "/var/lib/riposte",
                "/var/cache/riposte",
                "/etc/systemd/system/multi-user.target.wants/riposte.service",
                "/run/riposte")) {
            assertEquals(1, machine.exec("test", "-e", path).code(), path + " is left");
        }
        assertEquals(2, machine.exec("getent", "passwd", "riposte").code(), "the user is left");
        assertEquals(2, machine.exec("getent", "group", "riposte").code(), "the group is left");
    }
}
