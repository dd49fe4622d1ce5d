package dev.riposte.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which changed settings a reload leaves waiting for a restart (the live ones are exercised by HotReloadTest). */
class ReloaderTest {
    static RiposteConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    @Test
    void nothingChanged_nothingWaits() throws Exception {
        RiposteConfig c = parse("dispatch: {workers: 2}\n");
        assertEquals(List.of(), Reloader.waitingForRestart(c, parse("dispatch: {workers: 2}\n")));
    }

    @Test
    void theReactionsSettingsThatApplyLive_doNotWait() throws Exception {
        RiposteConfig c = parse("reactions: {dir: /a, default_timeout: 5s}\n");
        assertEquals(List.of(), Reloader.waitingForRestart(c, parse("reactions: {dir: /b, default_timeout: 9s}\n")));
    }

    @Test
    void eachOtherChange_isNamed_inTheOrderOfTheFile() throws Exception {
        RiposteConfig c = parse("reactions: {dir: /a}\n");
        assertEquals(
                List.of("reactions.max_log_lines", "dispatch", "netpolicy", "kill"),
                Reloader.waitingForRestart(c, parse("""
                                reactions: {dir: /a, max_log_lines: 7}
                                dispatch: {workers: 3}
                                netpolicy: {backend: dry-run}
                                kill: {min_pid: 900}
                                """)));
    }
}
