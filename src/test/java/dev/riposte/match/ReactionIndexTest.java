package dev.riposte.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.testing.Samples;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.graalvm.polyglot.Source;
import org.junit.jupiter.api.Test;

class ReactionIndexTest {

    private static Reaction reaction(String name, String header) throws ReactionException {
        return new Reaction(
                name,
                Path.of(name + ".js"),
                HeaderParser.parse(header),
                "hash",
                new dev.riposte.match.Code.Js(Source.create("js", "function process(d) {}")),
                Duration.ofSeconds(1));
    }

    @Test
    void matches_byExactName_byScan_andInLoadOrder() throws Exception {
        Reaction everything = reaction("everything", "// @on *\n");
        Reaction miners = reaction("miners", "// @on name=crypto_miner_execution\n");
        Reaction high = reaction("high", "// @on importance>=high\n");
        Reaction tools = reaction(
                "tools", "// @on name=net_suspicious_tool_exec_critical\n// @on name=crypto_miner_execution\n");
        ReactionIndex index = new ReactionIndex(List.of(everything, miners, high, tools));
        assertEquals(List.of(everything, miners, high, tools), index.match(Samples.event("01")));
        assertEquals(List.of(everything, high, tools), index.match(Samples.event("05")));
        assertEquals(List.of(everything), index.match(Samples.event("11")));
    }

    @Test
    void emptyIndex_matchesNothing() {
        assertEquals(List.of(), new ReactionIndex(List.of()).match(Samples.event("01")));
    }
}
