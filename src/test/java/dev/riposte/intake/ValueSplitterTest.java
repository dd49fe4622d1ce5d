package dev.riposte.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.testing.Samples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueSplitterTest {
    /** What a splitter reported, one string per finding: "value start-end text" or "garbage start reason: quote". */
    private static final class Findings implements ValueSplitter.Sink {
        final List<String> found = new ArrayList<>();

        @Override
        public void value(byte[] bytes, int length, long start, long end) {
            found.add("value " + start + "-" + end + " " + new String(bytes, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void garbage(long start, String reason, byte[] quoted) {
            found.add("garbage " + start + " " + reason + ": " + new String(quoted, StandardCharsets.UTF_8));
        }
    }

    private static void feed(ValueSplitter s, String text, Findings f) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        s.feed(bytes, 0, bytes.length, f);
    }

    private static List<String> split(String text) {
        return split(text, 1 << 20, text.length());
    }

    /** Splits {@code text} fed in pieces of at most {@code piece} bytes. */
    private static List<String> split(String text, int max, int piece) {
        ValueSplitter splitter = new ValueSplitter(max);
        Findings f = new Findings();
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += piece) {
            splitter.feed(bytes, i, Math.min(piece, bytes.length - i), f);
        }
        return f.found;
    }

    @Test
    void oneValuePerLine_withOffsets() {
        assertEquals(List.of("value 0-7 {\"a\":1}", "value 8-15 {\"b\":2}"), split("{\"a\":1}\n{\"b\":2}\n"));
    }

    @Test
    void concatenatedValues_withAndWithoutSpace() {
        assertEquals(List.of("value 0-2 {}", "value 2-9 {\"b\":2}", "value 10-12 {}"), split("{}{\"b\":2} {}"));
    }

    @Test
    void stringsMayHoldBracesAndEscapedQuotes() {
        String v = "{\"a\":\"}{\\\"]\\\\\",\"b\":[{\"c\":\"{\"}]}";
        assertEquals(List.of("value 0-" + v.length() + " " + v), split(v + "\n"));
    }

    @Test
    void prettyPrintedValues_areWholeValues() {
        String text = "{\n  \"a\": {\n    \"b\": [\n      {\"c\": 1}\n    ]\n  }\n}\n{\n  \"d\": 2\n}\n";
        List<String> found = split(text);
        assertEquals(2, found.size());
        int end = text.indexOf("}\n{") + 1;
        assertEquals("value 0-" + end + " " + text.substring(0, end), found.get(0));
        assertEquals(
                "value " + (end + 1) + "-" + (text.length() - 1) + " " + text.substring(end + 1, text.length() - 1),
                found.get(1));
    }

    @Test
    void garbageBetweenValues_isReportedOnce_andTheNextLineStartingWithABraceResumes() {
        assertEquals(
                List.of("value 0-2 {}", "garbage 3 not a JSON object: Events detected: 5", "value 43-50 {\"b\":2}"),
                split("{}\nEvents detected: 5\nRule counts: {x} [y]\n{\"b\":2}\n"));
        assertEquals(List.of("garbage 0 not a JSON object: [1,2]", "value 6-8 {}"), split("[1,2]\n{}"));
        assertEquals(
                List.of("value 0-2 {}", "garbage 3 not a JSON object: trailing {\"x\":1}", "value 20-22 {}"),
                split("{} trailing {\"x\":1}\n{}"),
                "after garbage only a brace at the start of a line resumes");
    }

    @Test
    void anUnfinishedValue_endsWhereANewLineStartsWithABrace() {
        assertEquals(
                List.of(
                        "garbage 0 an unfinished value (a new one begins at the start of a line): {\"a\":{\"b\":\"cut\n",
                        "value 15-22 {\"u\":1}"),
                split("{\"a\":{\"b\":\"cut\n{\"u\":1}\n"));
    }

    @Test
    void aValueOverTheLimit_isGarbage_andSkippedToTheNextValue() {
        String big = "{\"a\":\"" + "x".repeat(300) + "\"}";
        List<String> found = split(big + "\n{}\n", 256, 1 << 20);
        assertEquals(2, found.size(), found.toString());
        assertEquals(
                "garbage 0 a value longer than 256 bytes (intake.max_event_bytes): {\"a\":\"" + "x".repeat(114),
                found.get(0));
        assertEquals("value " + (big.length() + 1) + "-" + (big.length() + 3) + " {}", found.get(1));
        String exact = "{\"a\":\"" + "x".repeat(256 - 8) + "\"}";
        assertEquals(List.of("value 0-256 " + exact), split(exact, 256, 1 << 20));
        for (int piece : List.of(1, 3, 100, 255, 256, 257)) {
            assertEquals(found, split(big + "\n{}\n", 256, piece), "pieces of " + piece);
            assertEquals(List.of("value 0-256 " + exact), split(exact, 256, piece), "pieces of " + piece);
        }
    }

    @Test
    void anyPiecing_findsTheSame_overEverySampleOfEveryFormat() throws Exception {
        StringBuilder all = new StringBuilder();
        for (Path dir : List.of(Samples.DIR, Samples.FALCO, Samples.TETRAGON)) {
            for (Path f : Samples.files(dir)) {
                all.append(Files.readString(f)).append('\n');
            }
            all.append("not json at all\n");
            Files.readAllLines(dir.resolve("samples.ndjson"))
                    .forEach(l -> all.append(l).append('\n'));
        }
        String text = all.toString();
        List<String> whole = split(text);
        assertEquals(3 + 2 * (12 + 6 + 6), whole.size());
        assertEquals(3, whole.stream().filter(s -> s.startsWith("garbage")).count());
        Random random = new Random(42);
        for (int piece : List.of(1, 2, 7, 4096, 1 + random.nextInt(500))) {
            assertEquals(whole, split(text, 1 << 20, piece), "pieces of " + piece);
        }
    }

    @Test
    void end_reportsAValueLeftOpen_andTheSplitterGoesOn() {
        ValueSplitter s = new ValueSplitter(1024);
        Findings f = new Findings();
        feed(s, "{\"a\":", f);
        assertEquals(0, s.resumeFrom());
        s.end(f);
        feed(s, "{}", f);
        assertEquals(
                List.of("garbage 0 an unfinished value at the end of the stream: {\"a\":", "value 5-7 {}"), f.found);
        assertEquals(7, s.resumeFrom());
    }

    @Test
    void restart_takesTheNextByteAsTheGivenOffset() {
        ValueSplitter s = new ValueSplitter(1024);
        Findings f = new Findings();
        s.restart(1000);
        feed(s, "{}", f);
        assertEquals(List.of("value 1000-1002 {}"), f.found);
    }

    @Test
    void restartInside_skipsTheRestOfAHalfWrittenValue_unreported() {
        ValueSplitter s = new ValueSplitter(1024);
        Findings f = new Findings();
        s.restartInside(10);
        feed(s, "\"b\": 2\n}\n{\"c\":3}\n", f);
        assertEquals(List.of("value 19-26 {\"c\":3}"), f.found);
    }
}
