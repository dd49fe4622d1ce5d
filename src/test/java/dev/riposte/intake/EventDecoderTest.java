package dev.riposte.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.dispatch.Outcome;
import dev.riposte.dispatch.RunResult;
import dev.riposte.event.EventParser;
import dev.riposte.match.ReactionIndex;
import dev.riposte.stats.Metrics;
import dev.riposte.testing.Samples;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The events pipeline (framing, decoding, hand-off) on an EmbeddedChannel, with a real dispatcher that has no reactions. */
class EventDecoderTest {
    static final int MAX = 64 * 1024;
    final Metrics metrics = new Metrics();
    Dispatcher dispatcher;
    EmbeddedChannel channel;

    @BeforeEach
    void pipeline() {
        dispatcher = new Dispatcher(
                new RiposteConfig.Dispatch(
                        100, 64L << 20, RiposteConfig.Overflow.BACKPRESSURE, 1, Duration.ofSeconds(60)),
                (r, e) -> new RunResult(new Outcome.Ok(), List.of(), 0),
                List.of(),
                metrics,
                Clock.systemUTC());
        dispatcher.setReactions(new ReactionIndex(List.of()));
        BadLines badLines = new BadLines(metrics);
        channel = new EmbeddedChannel(
                new LineFramer(MAX, new PendingBytes(4 * MAX, metrics), badLines),
                new EventDecoder(new EventParser(), badLines),
                new EventHandler(dispatcher, metrics));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        dispatcher.close();
    }

    private void write(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    private void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachLine_isOneEvent_blankLinesIgnored_crlfAccepted() {
        write(Samples.line("01") + "\n\n   \r\n" + Samples.line("02") + "\r\n");
        assertEquals(2, metrics.snapshot().received());
        assertEquals(0, metrics.snapshot().rejected());
    }

    @Test
    void aLineSplitAcrossReads_isReassembled() {
        String line = Samples.line("06");
        write(line.substring(0, 100));
        write(line.substring(100) + "\n");
        assertEquals(1, metrics.snapshot().received());
    }

    @Test
    void badLines_areCountedAndSkipped_andTheConnectionStaysOpen() {
        write("not json\n");
        write("[1,2,3]\n");
        write(new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', ':', '1', '}', '\n'});
        write("{\"a\":1,\"a\":2}\n");
        write(Samples.line("03") + "\n");
        assertEquals(4, metrics.snapshot().rejected());
        assertEquals(1, metrics.snapshot().received());
        assertTrue(channel.isOpen());
    }

    @Test
    void oversizeLine_isRejected_andTheNextLineIsRead() {
        write("{\"uuid\":\"" + "x".repeat(MAX * 3) + "\"}\n" + Samples.line("11") + "\n");
        assertEquals(1, metrics.snapshot().rejected());
        assertEquals(1, metrics.snapshot().received());
        assertTrue(channel.isOpen());
    }

    @Test
    void oversizeLine_arrivingInPieces_isRejectedOnce() {
        write("{\"uuid\":\"" + "x".repeat(MAX));
        write("x".repeat(MAX));
        write("\"}\n" + Samples.line("11") + "\n");
        assertEquals(1, metrics.snapshot().rejected());
        assertEquals(1, metrics.snapshot().received());
    }

    @Test
    void sample10_withUnicodeAndU2028_isOneEvent() {
        write(Samples.line("10") + "\n");
        assertEquals(1, metrics.snapshot().received());
    }

    @Test
    void aLastLineWithoutNewline_isReadWhenThePeerCloses() {
        write(Samples.line("01") + "\n" + Samples.line("02"));
        assertEquals(1, metrics.snapshot().received());
        assertTrue(channel.close().isSuccess());
        assertEquals(2, metrics.snapshot().received());
    }

    @Test
    void unfinishedLines_ofAllConnections_shareOneBudget_andWhatItRefusesIsCounted() {
        PendingBytes pending = new PendingBytes(100_000, metrics);
        BadLines badLines = new BadLines(metrics);
        EmbeddedChannel first = new EmbeddedChannel(
                new LineFramer(MAX, pending, badLines),
                new EventDecoder(new EventParser(), badLines),
                new EventHandler(dispatcher, metrics));
        EmbeddedChannel second = new EmbeddedChannel(
                new LineFramer(MAX, pending, badLines),
                new EventDecoder(new EventParser(), badLines),
                new EventHandler(dispatcher, metrics));
        try {
            first.writeInbound(Unpooled.wrappedBuffer(
                    ("{\"uuid\":\"one\",\"note\":\"" + "a".repeat(60_000)).getBytes(StandardCharsets.UTF_8)));
            assertEquals(60_022, pending.used());
            second.writeInbound(Unpooled.wrappedBuffer(
                    ("{\"uuid\":\"two\",\"note\":\"" + "b".repeat(60_000)).getBytes(StandardCharsets.UTF_8)));
            assertEquals(1, metrics.snapshot().pendingRefused(), "the second line would pass the budget: dropped");
            assertEquals(60_022, pending.used());
            second.writeInbound(
                    Unpooled.wrappedBuffer(("bbb\"}\n" + Samples.line("03") + "\n").getBytes(StandardCharsets.UTF_8)));
            first.writeInbound(Unpooled.wrappedBuffer("aaa\"}\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(2, metrics.snapshot().received(), "the first connection's line and the second's next line");
            assertEquals(1, metrics.snapshot().rejected(), "the dropped line is a bad line too");
            assertEquals(0, pending.used(), "finished lines hold nothing");
            assertTrue(second.isOpen());
        } finally {
            first.finishAndReleaseAll();
            second.finishAndReleaseAll();
        }
        assertEquals(0, pending.used(), "closed connections hold nothing");
    }
}
