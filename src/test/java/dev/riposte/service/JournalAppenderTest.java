package dev.riposte.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** Journal entries always fit a datagram, cut visibly; what the journal refuses is counted. */
class JournalAppenderTest {
    private static LoggingEvent event(String message, List<KeyValuePair> fields) {
        LoggerContext context = new LoggerContext();
        LoggingEvent e = new LoggingEvent("test", context.getLogger("riposte.audit"), Level.INFO, message, null, null);
        e.setKeyValuePairs(fields);
        return e;
    }

    @Test
    void aFieldOverItsLimit_isCut_withItsWholeSizeSaid() {
        assertEquals("short", JournalAppender.cut("short", 100));
        String cut = JournalAppender.cut("é".repeat(10_000), 1000);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 1000, cut.length() + " characters");
        assertTrue(
                cut.startsWith("ééé") && cut.endsWith("...[cut: 20000 bytes in all]"),
                cut.substring(cut.length() - 40));
        assertTrue(
                JournalAppender.cut(cut, 200).endsWith("...[cut: 20000 bytes in all]"),
                "a second cut keeps the first size");
    }

    @Test
    void anEntryOfManyLargeFields_fitsOneDatagram_everyFieldPresent() {
        List<KeyValuePair> fields = List.of(
                new KeyValuePair("HELPERS", "h".repeat(200_000)),
                new KeyValuePair("EVENT_NAME", "n".repeat(300_000)),
                new KeyValuePair("DETAIL", "d".repeat(15_000)),
                new KeyValuePair("REACTION", "small"));
        byte[] entry = JournalAppender.entry(event("m".repeat(100_000), fields));
        String text = new String(entry, StandardCharsets.UTF_8);
        assertTrue(entry.length <= JournalAppender.MAX_ENTRY_BYTES, entry.length + " bytes");
        for (String name : List.of("HELPERS", "EVENT_NAME", "DETAIL", "MESSAGE")) {
            assertTrue(text.contains("\n" + name + "="), name);
        }
        assertTrue(text.contains("REACTION=small\n"));
        assertTrue(text.contains("...[cut: 300000 bytes in all]"));
    }

    @Test
    void anEntryTheJournalRefuses_isCounted() {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        JournalAppender appender = new JournalAppender(
                "/nonexistent/riposte-test/journal.socket", new PrintStream(said, true, StandardCharsets.UTF_8));
        appender.setContext(new LoggerContext());
        appender.start();
        long before = JournalAppender.dropped();
        appender.doAppend(event("lost", List.of()));
        appender.doAppend(event("lost too", List.of()));
        assertEquals(before + 2, JournalAppender.dropped());
        // Said once (a minute apart at most), and this is the only test whose journal refuses.
        assertEquals(
                "riposte: the journal at /nonexistent/riposte-test/journal.socket refused a log entry (sendto "
                        + "/nonexistent/riposte-test/journal.socket failed: ENOENT (no such file or directory)); "
                        + (before + 1) + " refused since start\n",
                said.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theConsole_escapesMessagesAndFields_soNoInputCanForgeALine() {
        LoggingEvent e = event(
                "run of \u001b[31mred",
                List.of(new KeyValuePair(
                        "EVENT_UUID", "x\n2026-12-01T00:00:00.000Z INFO  audit - run REACTION=\"forged\"")));
        assertEquals("run of \\u001b[31mred", new EscapingConverters.Message().convert(e));
        assertEquals(
                "EVENT_UUID=\"x\\n2026-12-01T00:00:00.000Z INFO  audit - run REACTION=\\\"forged\\\"\"",
                new EscapingConverters.KeyValues().convert(e));
    }
}
