package dev.riposte.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.testing.Samples;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeaderParserTest {

    private static String problem(String text) {
        ReactionException e = assertThrows(ReactionException.class, () -> HeaderParser.parse(text));
        return e.line() + ": " + e.getMessage();
    }

    @Test
    void fullHeader_isRead() throws Exception {
        ReactionHeader h = HeaderParser.parse("""
                // Kill miners.
                // @on name=crypto_miner_execution
                // @on kind=net_suspicious_tool_exec importance>=high
                //   @name kill-miners
                // @timeout 500ms
                // @enabled false

                function process(data) {}
                """);
        assertEquals(2, h.selectors().size());
        assertEquals(Optional.of("kill-miners"), h.name());
        assertEquals(Optional.of(Duration.ofMillis(500)), h.timeout());
        assertFalse(h.enabled());
    }

    @Test
    void onLines_areAlternatives_andTermsMustAllHold() throws Exception {
        ReactionHeader h = HeaderParser.parse(
                "// @on name=crypto_miner_execution\n// @on kind=net_suspicious_tool_exec importance>=critical\n");
        assertTrue(h.selectors().get(0).matches(Samples.event("01")));
        assertTrue(h.selectors().get(1).matches(Samples.event("05")));
        ReactionHeader high = HeaderParser.parse("// @on kind=crypto_miner_execution importance>=critical\n");
        assertFalse(high.selectors().getFirst().matches(Samples.event("01")), "01 is only high");
    }

    @Test
    void globs_match() throws Exception {
        ReactionHeader h = HeaderParser.parse("// @on name=net_*_critical tactic=*\n");
        assertTrue(h.selectors().getFirst().matches(Samples.event("05")));
        assertFalse(h.selectors().getFirst().matches(Samples.event("01")));
    }

    @Test
    void star_matchesEverything_evenWithoutMetadata() throws Exception {
        ReactionHeader h = HeaderParser.parse("// @on *\n");
        assertTrue(h.selectors().getFirst().matches(Samples.event("11")));
    }

    @Test
    void importanceTerm_neverMatchesEventsWithoutImportance() throws Exception {
        ReactionHeader h = HeaderParser.parse("// @on importance>=low\n");
        assertFalse(h.selectors().getFirst().matches(Samples.event("11")));
    }

    @Test
    void problems_nameTheirLine() {
        assertEquals(
                "1: no @on line in the leading comment block; add one such as \"// @on name=crypto_miner_execution\" "
                        + "or \"// @on *\" (the header uses // comments)",
                problem("function process(d) {}\n"));
        assertEquals(
                "2: unknown directive @run (known: @on, @name, @timeout, @enabled)",
                problem("// @on *\n// @run fast\n"));
        assertEquals(
                "1: unknown @on term \"user=root\"; expected name=, kind=, tactic=, technique= or importance>=",
                problem("// @on user=root\n"));
        assertEquals(
                "1: importance>= must be low, medium, high or critical, got \"urgent\"",
                problem("// @on importance>=urgent\n"));
        assertEquals(
                "1: @on * matches every event and cannot be combined with other terms", problem("// @on * name=x\n"));
        assertEquals("1: @on needs terms (name=, kind=, tactic=, technique=, importance>=) or *", problem("// @on\n"));
        assertEquals("1: @on term name= needs a value", problem("// @on name=\n"));
        assertEquals("1: name= is given twice on one @on line", problem("// @on name=a name=b\n"));
        assertEquals(
                "3: @timeout must be a duration from 1ms to 60s such as 500ms or 2s, got \"2 hours\"",
                problem("// @on *\n\n// @timeout 2 hours\n"));
        assertEquals(
                "2: @timeout must be a duration from 1ms to 60s such as 500ms or 2s, got \"61s\"",
                problem("// @on *\n// @timeout 61s\n"));
        assertEquals("2: @enabled must be true or false, got \"no\"", problem("// @on *\n// @enabled no\n"));
        assertEquals("3: @name is given more than once", problem("// @on *\n// @name a\n// @name b\n"));
        assertEquals(
                "2: @name must be 1 to 64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit, got \"../x\"",
                problem("// @on *\n// @name ../x\n"));
    }

    @Test
    void directiveAfterCode_isRefused_ratherThanSilentlyIgnored() {
        assertEquals(
                "3: @timeout after the first line of code is not read; move it into the leading comment block",
                problem("// @on *\nfunction process(d) {}\n// @timeout 5s\n"));
    }

    @Test
    void blockComments_doNotFormAHeader() {
        assertTrue(problem("/* @on * */\nfunction process(d) {}\n").startsWith("1: no @on line"));
    }

    @Test
    void quotedValues_holdSpacesAndSlashes_andGlobsStillWork() throws Exception {
        var falco = Samples.event(Samples.FALCO, "03");
        ReactionHeader h = HeaderParser.parse("""
                // @on name="Redirect STDOUT/STDIN to Network Connection in Container" importance>=low
                // @on name="Terminal shell *" kind=syscall
                // @on kind=process_kprobe name="monitor-network-*"
                """);
        assertTrue(h.selectors().get(0).matches(falco));
        assertFalse(h.selectors().get(1).matches(falco));
        assertTrue(h.selectors().get(1).matches(Samples.event(Samples.FALCO, "01")));
        assertTrue(h.selectors().get(2).matches(Samples.event(Samples.TETRAGON, "04")));
        assertFalse(h.selectors().get(2).matches(Samples.event(Samples.TETRAGON, "01")));
    }

    @Test
    void badQuotes_nameTheTerm() {
        assertEquals(
                "1: @on term name=\"Terminal shell: the quote is not closed",
                problem("// @on name=\"Terminal shell\n"));
        assertEquals(
                "1: a quote in @on may only open a value, right after =, as in name=\"Terminal shell in container\"; "
                        + "found \"name=x\"",
                problem("// @on \"name=x\"\n"));
        assertEquals(
                "1: @on term name=a b must end at its closing quote; found x after it",
                problem("// @on name=\"a b\"x\n"));
        assertEquals("1: @on term name= needs a value", problem("// @on name=\"\"\n"));
    }
}
