package dev.riposte.intake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * First decoder of the events pipeline: cuts the byte stream into lines (LF or CRLF, the delimiter
 * stripped), each at most {@code maxLineBytes}. A longer line is skipped to its end and counted as a bad
 * line. A last line the peer sends without a newline before it closes (or resets) the connection is still
 * a line. What connections hold of lines not yet finished is charged to one {@link PendingBytes} budget for
 * all of them: a connection whose unfinished line would take it past the budget loses that line (skipped
 * to its end, counted, logged) and keeps its connection. One instance per connection.
 */
final class LineFramer extends ByteToMessageDecoder {
    private final int maxLineBytes;
    private final PendingBytes pending;
    private final BadLines badLines;
    /** Bytes of this connection's unfinished line charged to the budget. */
    private long charged;
    /** Skipping the rest of a line (too long, or refused for memory) up to its newline. */
    private boolean discarding;

    LineFramer(int maxLineBytes, PendingBytes pending, BadLines badLines) {
        this.maxLineBytes = maxLineBytes;
        this.pending = pending;
        this.badLines = badLines;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int newline;
        while ((newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n')) >= 0) {
            int length = newline - in.readerIndex();
            if (discarding) {
                in.skipBytes(length + 1);
                discarding = false;
                continue;
            }
            if (length > maxLineBytes) {
                in.skipBytes(length + 1);
                tooLong(ctx);
                continue;
            }
            out.add(frame(in, length));
            in.skipBytes(1);
        }
        if (discarding) {
            in.skipBytes(in.readableBytes());
        } else if (in.readableBytes() > maxLineBytes) {
            in.skipBytes(in.readableBytes());
            discarding = true;
            tooLong(ctx);
        }
        charge(ctx, in);
    }

    /** The connection ended: its unfinished last line, if any, is a line too. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (!discarding && in.isReadable()) {
            out.add(frame(in, in.readableBytes()));
        }
        release();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        release();
    }

    /** A line of {@code length} bytes at the reader index, without a trailing CR. */
    private static ByteBuf frame(ByteBuf in, int length) {
        int end = length > 0 && in.getByte(in.readerIndex() + length - 1) == '\r' ? length - 1 : length;
        ByteBuf line = in.retainedSlice(in.readerIndex(), end);
        in.skipBytes(length);
        return line;
    }

    private void tooLong(ChannelHandlerContext ctx) {
        badLines.reject(ctx.channel(), "line longer than intake.max_event_bytes (" + maxLineBytes + " bytes)", "");
    }

    /** Charges what this connection now holds of an unfinished line; refuses the line if the budget cannot hold it. */
    private void charge(ChannelHandlerContext ctx, ByteBuf in) {
        long held = in.readableBytes();
        if (held > charged && !pending.take(held - charged)) {
            in.skipBytes(in.readableBytes());
            discarding = true;
            pending.refused();
            badLines.reject(
                    ctx.channel(),
                    "the memory for unfinished lines of all connections (intake.max_pending_bytes, " + pending.limit()
                            + " bytes) is used up; this line was dropped",
                    "");
            held = 0;
        }
        if (held < charged) {
            pending.give(charged - held);
        }
        charged = held;
    }

    private void release() {
        pending.give(charged);
        charged = 0;
    }
}
