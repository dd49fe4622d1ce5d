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
import io.netty.handler.codec.LineBasedFrameDecoder;
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
        dispatcher = new Dispatcher(new RiposteConfig.Dispatch(100, 64L << 20, RiposteConfig.Overflow.BACKPRESSURE, 1, Duration.ofSeconds(60)),
                (r, e) -> new RunResult(new Outcome.Ok(), List.of(), 0), List.of(), metrics, Clock.systemUTC());
        dispatcher.setReactions(new ReactionIndex(List.of()));
        BadLines badLines = new BadLines(metrics);
        channel = new EmbeddedChannel(new LineBasedFrameDecoder(MAX, true, true), new EventDecoder(new EventParser(), badLines),
                new EventHandler(dispatcher, metrics, badLines, MAX));
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
}
