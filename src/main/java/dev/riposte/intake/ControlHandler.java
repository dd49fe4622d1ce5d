package dev.riposte.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One JSON request line in, one JSON response line out. */
final class ControlHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(ControlHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ControlService service;

    ControlHandler(ControlService service) {
        this.service = service;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) throws Exception {
        ObjectNode response;
        try {
            JsonNode request = JSON.readTree(line.toString(StandardCharsets.UTF_8));
            response = request != null && request.isObject()
                    ? service.handle(request)
                    : ControlService.error("a request is one JSON object per line, such as {\"command\":\"stats\"}");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            response = ControlService.error("not JSON: " + e.getOriginalMessage());
        }
        byte[] bytes = (JSON.writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(
                            ControlService.error("request too long").toString() + "\n", StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            return;
        }
        LOG.debug("control: connection ended: {}", cause.toString());
        Connections.close(ctx);
    }
}
