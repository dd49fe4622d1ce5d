package dev.riposte.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml")).problems();
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
        assertEquals(Runtime.getRuntime().availableProcessors(), c.dispatch().workers());
        assertEquals(Duration.ofSeconds(60), c.dispatch().dedupWindow());
        assertEquals(Path.of("/etc/riposte/reactions.d"), c.reactions().dir());
        assertEquals(Duration.ofSeconds(1), c.reactions().defaultTimeout());
        assertEquals(256L << 20, c.reactions().maxAllocBytes());
        assertEquals(Path.of("/var/lib/riposte/evidence"), c.evidence().dir());
        assertEquals(RiposteConfig.Backend.AUTO, c.netpolicy().backend());
        assertEquals(List.of("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10"), c.netpolicy().neverBlock());
        assertEquals(List.of("nft"), c.netpolicy().nftCommand());
    }

    @Test
    void shippedRiposteYaml_equalsTheDefaults() throws Exception {
        assertEquals(ConfigLoader.parse("", "defaults"), ConfigLoader.load(Path.of("config/riposte.yaml")));
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
        assertEquals(List.of("netpolcy: is not a known section. Found: a mapping"), problems("netpolcy: {backend: auto}"));
    }

    @Test
    void badValues_useOneShape_andAreAllReported() {
        assertEquals(List.of(
                "intake.max_event_bytes: must be an integer from 256 to 67108864. Found: \"big\"",
                "dispatch.workers: must be an integer from 0 to 256. Found: -1",
                "dispatch.overflow: must be one of backpressure, drop. Found: \"block\"",
                "dispatch.dedup_window: must be a duration such as 500ms, 30s, 5m or 1h, at least 0ms. Found: 60",
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
        assertEquals(List.of("dispatch.queue_max_bytes: must be an integer from 2000000 to 1099511627776. Found: 1000000"),
                problems("intake: {max_event_bytes: 2000000}\ndispatch: {queue_max_bytes: 1000000}"));
    }

    @Test
    void writeRoots_mustBeAbsolute() {
        assertEquals(List.of("files.write_roots: must list absolute paths. Found: \"out\""),
                problems("files: {write_roots: [out]}"));
    }

    @Test
    void timeoutBelowOneMillisecond_isRefused() {
        assertEquals(List.of("reactions.default_timeout: must be a duration such as 500ms, 30s, 5m or 1h, at least 1ms. "
                + "Found: \"0s\""), problems("reactions: {default_timeout: 0s}"));
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
}
