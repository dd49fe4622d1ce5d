package dev.riposte.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml"))
                .problems();
    }

    @Test
    void emptyFile_givesDocumentedDefaults() throws Exception {
        RiposteConfig c = ConfigLoader.parse("", "test.yaml");
        assertEquals(Path.of("/run/riposte/events.sock"), c.intake().socket());
        assertEquals(Path.of("/run/riposte/control.sock"), c.intake().controlSocket());
        assertEquals(1 << 20, c.intake().maxEventBytes());
        assertEquals(10_000, c.dispatch().queueCapacity());
        assertEquals(16L << 20, c.dispatch().queueMaxBytes());
        assertEquals(RiposteConfig.Overflow.BACKPRESSURE, c.dispatch().overflow());
        assertEquals(
                Math.min(4, Runtime.getRuntime().availableProcessors()),
                c.dispatch().workers());
        assertEquals(Duration.ofSeconds(60), c.dispatch().dedupWindow());
        assertEquals(Path.of("/etc/riposte/reactions.d"), c.reactions().dir());
        assertEquals(Duration.ofSeconds(1), c.reactions().defaultTimeout());
        assertEquals(32L << 20, c.reactions().maxAllocBytes());
        assertEquals(100, c.reactions().maxLogLines());
        assertEquals(1_500, c.reactions().warmupRuns());
        assertEquals(64L << 10, c.reactions().maxLogBytes());
        assertEquals(Path.of("/var/lib/riposte/evidence"), c.evidence().dir());
        assertEquals(RiposteConfig.Backend.AUTO, c.netpolicy().backend());
        assertEquals(
                List.of("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"),
                c.netpolicy().neverBlock());
        assertEquals(List.of("nft"), c.netpolicy().nftCommand());
        assertEquals(Duration.ofDays(7), c.evidence().retention());
        assertEquals(1L << 30, c.evidence().maxBytes());
        assertEquals(List.of(Path.of("/")), c.files().readRoots());
        assertEquals(ConfigLoader.DEFAULT_READ_DENY, c.files().readDeny());
        assertEquals(1 << 20, c.files().maxReadBytes());
        assertEquals(Path.of("/var/lib/riposte/state.db"), c.state().path());
        assertEquals(10_000, c.state().maxKeysPerReaction());
        assertEquals(Duration.ofDays(30), c.state().auditRetention());
        assertEquals(1_000_000, c.state().auditMaxRecords());
        assertEquals(500, c.kill().minPid());
        assertEquals(1L << 20, c.state().maxResultBytes());
        assertEquals(256, c.netpolicy().maxBlocksPerRun());
        assertEquals(64, c.netpolicy().maxDomainAddresses());
        assertEquals(false, c.emergency().enabled());
        assertEquals(RiposteConfig.LogTarget.AUTO, c.log().target());
        assertEquals(65_536, c.netpolicy().maxBlocks());
        assertEquals(Duration.ofMinutes(5), c.netpolicy().domainRefresh());
        assertEquals(Duration.ofSeconds(30), c.netpolicy().reconcileInterval());
        assertEquals(Duration.ofSeconds(2), c.netpolicy().resolveTimeout());
    }

    @Test
    void riposteOwnFiles_withinReachOfWhatReactionsWrite_areRefused() {
        assertEquals(
                List.of(
                        "state.path: must not be inside evidence.dir, where WriteFile and RemoveDir could destroy it. Found: "
                                + "/srv/ev/state.db (evidence.dir is /srv/ev)",
                        "evidence.dir: must not contain reactions.dir, where WriteFile could plant a reaction that riposte "
                                + "would run. Found: /srv/ev (reactions.dir is /srv/ev/reactions.d)"),
                problems(
                        "evidence: {dir: /srv/ev}\nstate: {path: /srv/ev/state.db}\nreactions: {dir: /srv/ev/reactions.d}"));
        assertEquals(
                List.of(
                        "files.write_roots: must not contain state.path, where WriteFile could destroy it. Found: /var/lib "
                                + "(state.path is /var/lib/riposte/state.db)",
                        "files.write_roots: must not contain reactions.dir, where WriteFile could plant a reaction that "
                                + "riposte would run. Found: /etc (reactions.dir is /etc/riposte/reactions.d)"),
                problems("files: {write_roots: [/var/lib, /etc, /srv/out]}"));
    }

    @Test
    void aWriteRootReachingTheStateThroughALink_isRefused(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path real = java.nio.file.Files.createDirectories(tmp.resolve("real"));
        java.nio.file.Files.createSymbolicLink(tmp.resolve("link"), real);
        assertEquals(
                List.of("files.write_roots: must not contain state.path, where WriteFile could destroy it. Found: "
                        + tmp + "/link (state.path is " + real + "/state.db)"),
                problems("files: {write_roots: [" + tmp + "/link]}\nstate: {path: " + real + "/state.db}"));
    }

    @Test
    void stateKillEmergencyAndReadKeys_areRead() throws Exception {
        RiposteConfig c = ConfigLoader.parse("""
                state: {path: /tmp/s.db, max_keys_per_reaction: 5, audit_retention: 2d, audit_max_records: 100}
                kill: {min_pid: 1000}
                emergency: {enabled: true}
                files: {read_roots: [/var/log/], read_deny: ["/var/log/secret*"], max_read_bytes: 10}
                evidence: {retention: 12h, max_bytes: 2097152}
                """, "t");
        assertEquals(new RiposteConfig.State(Path.of("/tmp/s.db"), 5, Duration.ofDays(2), 100, 1L << 20), c.state());
        assertEquals(1000, c.kill().minPid());
        assertEquals(true, c.emergency().enabled());
        assertEquals(List.of(Path.of("/var/log")), c.files().readRoots());
        assertEquals(List.of("/var/log/secret*"), c.files().readDeny());
        assertEquals(Duration.ofHours(12), c.evidence().retention());
    }

    @Test
    void badStateKillEmergencyAndReadKeys_areEachReported() {
        assertEquals(
                List.of(
                        "files.read_roots: must list absolute paths. Found: \"var\"",
                        "files.read_deny: must list absolute paths, where * stands for part of one name. Found: \"/a/**\"",
                        "state.max_keys_per_reaction: must be an integer from 1 to 10000000. Found: 0",
                        "kill.min_pid: must be an integer from 1 to 4194304. Found: -5",
                        "emergency.enabled: must be true or false. Found: \"yes\""),
                problems("""
                        files: {read_roots: [var], read_deny: [/a/**]}
                        state: {max_keys_per_reaction: 0}
                        kill: {min_pid: -5}
                        emergency: {enabled: "yes"}
                        """));
    }

    @Test
    void shippedRiposteYaml_equalsTheDefaults_butRunsShellsAsTheServicesOwnUser() throws Exception {
        assertEquals(
                ConfigLoader.parse("shell: {user: riposte}", "defaults"),
                ConfigLoader.load(Path.of("config/riposte.yaml")));
    }

    @Test
    void shippedDevYaml_loads() throws Exception {
        RiposteConfig c = ConfigLoader.load(Path.of("config/dev.yaml"));
        assertEquals(RiposteConfig.Backend.DRY_RUN, c.netpolicy().backend());
        assertEquals(Path.of("var/run/events.sock"), c.intake().socket());
    }

    @Test
    void values_areRead() throws Exception {
        RiposteConfig c = ConfigLoader.parse("""
                dispatch: {overflow: drop, workers: 3, dedup_window: 500ms}
                reactions: {default_timeout: 2m}
                netpolicy: {backend: dry-run, never_block: []}
                files: {write_roots: [/srv/out]}
                """, "t");
        assertEquals(RiposteConfig.Overflow.DROP, c.dispatch().overflow());
        assertEquals(3, c.dispatch().workers());
        assertEquals(Duration.ofMillis(500), c.dispatch().dedupWindow());
        assertEquals(Duration.ofMinutes(2), c.reactions().defaultTimeout());
        assertEquals(RiposteConfig.Backend.DRY_RUN, c.netpolicy().backend());
        assertEquals(List.of(), c.netpolicy().neverBlock());
        assertEquals(List.of(Path.of("/srv/out")), c.files().writeRoots());
    }

    @Test
    void unknownKey_isNamedWithItsPath() {
        assertEquals(List.of("intake.sokcet: is not a known key. Found: \"/x\""), problems("intake: {sokcet: /x}"));
    }

    @Test
    void unknownSection_isNamed() {
        assertEquals(
                List.of("netpolcy: is not a known section. Found: a mapping"), problems("netpolcy: {backend: auto}"));
    }

    @Test
    void badValues_useOneShape_andAreAllReported() {
        assertEquals(
                List.of(
                        "intake.max_event_bytes: must be an integer from 256 to 67108864. Found: \"big\"",
                        "dispatch.workers: must be an integer from 0 to 256. Found: -1",
                        "dispatch.overflow: must be one of backpressure, drop. Found: \"block\"",
                        "dispatch.dedup_window: must be a duration such as 500ms, 30s, 5m, 1h or 7d, at least 0ms. Found: 60",
                        "netpolicy.backend: must be one of auto, disabled, dry-run, nftables. Found: \"nft\"",
                        "netpolicy.never_block: must list IP addresses or CIDR ranges such as 10.0.0.0/8. Found: \"localhost\"",
                        "netpolicy.nft_command: must be a non-empty list of non-empty strings. Found: a list"),
                problems("""
                        intake: {max_event_bytes: big}
                        dispatch: {workers: -1, overflow: block, dedup_window: 60}
                        netpolicy: {backend: nft, never_block: [localhost], nft_command: []}
                        """));
    }

    @Test
    void queueMaxBytes_mustHoldAtLeastOneLargestEvent() {
        assertEquals(
                List.of("dispatch.queue_max_bytes: must be an integer from 2000000 to 1099511627776. Found: 1000000"),
                problems("intake: {max_event_bytes: 2000000}\ndispatch: {queue_max_bytes: 1000000}"));
    }

    @Test
    void writeRoots_mustBeAbsolute() {
        assertEquals(
                List.of("files.write_roots: must list absolute paths. Found: \"out\""),
                problems("files: {write_roots: [out]}"));
    }

    @Test
    void timeoutBelowOneMillisecond_isRefused() {
        assertEquals(
                List.of("reactions.default_timeout: must be a duration such as 500ms, 30s, 5m, 1h or 7d, at least 1ms. "
                        + "Found: \"0s\""),
                problems("reactions: {default_timeout: 0s}"));
    }

    @Test
    void sectionThatIsNotAMapping_isRefused() {
        assertEquals(List.of("intake: must be a mapping. Found: \"yes\""), problems("intake: yes"));
    }

    @Test
    void duplicateKeys_andBrokenYaml_areRefused() {
        assertEquals(1, problems("intake: {socket: /a, socket: /b}").size());
        assertEquals("not valid YAML", problems("intake: [").getFirst().substring(0, 14));
    }

    @Test
    void followedFiles_areReadWithTheirDefaults() throws Exception {
        RiposteConfig c = ConfigLoader.parse("""
                intake:
                  files:
                    - path: /var/log/jibril.out
                    - {path: /var/log/falco/events.json, format: falco, start: beginning}
                """, "t");
        assertEquals(
                List.of(
                        new RiposteConfig.FollowedFile(
                                java.nio.file.Path.of("/var/log/jibril.out"),
                                dev.riposte.event.FormatChoice.AUTO,
                                RiposteConfig.Start.END),
                        new RiposteConfig.FollowedFile(
                                java.nio.file.Path.of("/var/log/falco/events.json"),
                                dev.riposte.event.FormatChoice.FALCO,
                                RiposteConfig.Start.BEGINNING)),
                c.intake().files());
        assertEquals(List.of(), ConfigLoader.parse("", "t").intake().files());
        RiposteConfig relative = ConfigLoader.parse("intake: {files: [{path: var/./jibril.out}]}", "t");
        assertEquals(
                java.nio.file.Path.of(System.getProperty("user.dir"), "var/jibril.out"),
                relative.intake().files().get(0).path(),
                "made absolute against the working directory, like the other paths are read from it");
    }

    @Test
    void followedFiles_problemsNameTheEntry() {
        assertEquals(
                List.of("intake.files: must be a list of files, each a mapping with path (and format, start). Found: "
                        + "\"/var/log/jibril.out\""),
                problems("intake: {files: /var/log/jibril.out}"));
        assertEquals(
                List.of(
                        "intake.files[0].path: must be the path of a file. Found: \"logs/\"",
                        "intake.files[1].format: must be one of auto, falco, jibril, tetragon. Found: \"json\"",
                        "intake.files[2].start: must be one of beginning, end. Found: \"now\"",
                        "intake.files[3].pth: is not a known key. Found: \"/x\"",
                        "intake.files[3].path: must be the path of a file. Found: null",
                        "intake.files[4].path: is already followed by an earlier entry. Found: \"/b\"",
                        "intake.files[5].path: is already followed by an earlier entry. Found: \"/a/../b\"",
                        "intake.files[6]: must be a mapping with path (and format, start). Found: \"/c\""),
                problems("""
                        intake:
                          files:
                            - path: logs/
                            - {path: /a, format: json}
                            - {path: /b, start: now}
                            - {pth: /x}
                            - {path: /b}
                            - {path: /a/../b}
                            - /c
                        """));
    }
}
