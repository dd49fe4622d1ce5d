package dev.riposte.intake;

import dev.riposte.base.Text;
import dev.riposte.event.BadEventException;
import dev.riposte.event.EventParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One line (delimiter stripped) to one Event; blank lines are ignored, bad lines counted and skipped. */
final class EventDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final EventParser parser;
    private final BadLines badLines;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    EventDecoder(EventParser parser, BadLines badLines) {
        super(ByteBuf.class);
        this.parser = parser;
        this.badLines = badLines;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        long received = System.nanoTime();
        if (blank(line)) {
            return;
        }
        String text;
        try {
            // Netty's socket buffers are direct; decoding from a heap copy takes the JDK's fast array path.
            text = utf8.reset()
                    .decode(ByteBuffer.wrap(ByteBufUtil.getBytes(line)))
                    .toString();
        } catch (CharacterCodingException e) {
            badLines.reject(ctx.channel(), "invalid UTF-8", lossyStart(line));
            return;
        }
        try {
            out.add(parser.parse(text, received));
        } catch (BadEventException e) {
            badLines.reject(
                    ctx.channel(), Text.message(e), text.substring(0, Math.min(text.length(), BadLines.QUOTED_BYTES)));
        }
    }

    private static boolean blank(ByteBuf line) {
        for (int i = line.readerIndex(); i < line.writerIndex(); i++) {
            byte b = line.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String lossyStart(ByteBuf line) {
        int n = Math.min(line.readableBytes(), BadLines.QUOTED_BYTES);
        return line.toString(line.readerIndex(), n, StandardCharsets.UTF_8);
    }
}
