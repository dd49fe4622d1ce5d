package dev.riposte.intake;

import dev.riposte.dispatch.Admission;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.event.Event;
import dev.riposte.stats.Metrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in the events pipeline: hands each event to the dispatcher. When the dispatcher is full
 * (backpressure), the connection stops reading and keeps its decoded events, in order, until they are
 * accepted; nothing is lost. One instance per connection.
 */
final class EventHandler extends SimpleChannelInboundHandler<Event> {
    static final long RETRY_MILLIS = 1;
    private static final Logger LOG = LoggerFactory.getLogger(EventHandler.class);
    private final Dispatcher dispatcher;
    private final Metrics metrics;
    private final ArrayDeque<Event> waiting = new ArrayDeque<>();

    EventHandler(Dispatcher dispatcher, Metrics metrics) {
        this.dispatcher = dispatcher;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Event event) {
        metrics.received();
        if (!waiting.isEmpty() || dispatcher.submit(event) == Admission.FULL) {
            waiting.addLast(event);
            if (waiting.size() == 1) {
                ctx.channel().config().setAutoRead(false);
                retryLater(ctx);
            }
        }
    }

    private void retry(ChannelHandlerContext ctx) {
        while (!waiting.isEmpty() && dispatcher.submit(waiting.peekFirst()) != Admission.FULL) {
            waiting.removeFirst();
        }
        if (waiting.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        } else {
            retryLater(ctx);
        }
    }

    /**
     * Offers the waiting events again in {@link #RETRY_MILLIS} on the connection's event loop. Should that
     * fail (the loop is shutting down, or the dispatcher threw), the connection is closed: it must not sit
     * with reading off and its events unoffered.
     */
    private void retryLater(ChannelHandlerContext ctx) {
        ctx.executor()
                .schedule(() -> retry(ctx), RETRY_MILLIS, TimeUnit.MILLISECONDS)
                .addListener(done -> {
                    if (!done.isSuccess()) {
                        metrics.connectionError();
                        LOG.warn(
                                "intake: closing connection from {}: offering its {} waiting events again failed",
                                ctx.channel().attr(PeerCheck.PEER).get(),
                                waiting.size(),
                                done.cause());
                        Connections.close(ctx);
                    }
                });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // A reset or a broken pipe: what the peer sent whole (and its last unfinished line) is still read.
            metrics.connectionError();
            LOG.debug(
                    "intake: connection from {} ended: {}",
                    ctx.channel().attr(PeerCheck.PEER).get(),
                    cause.toString());
            Connections.close(ctx);
        } else {
            metrics.connectionError();
            LOG.warn(
                    "intake: closing connection from {} after an unexpected error",
                    ctx.channel().attr(PeerCheck.PEER).get(),
                    cause);
            Connections.close(ctx);
        }
    }
}
