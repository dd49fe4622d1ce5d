package dev.riposte.intake;

import io.netty.channel.ChannelHandlerContext;

/** What the socket handlers share about ending a connection. */
final class Connections {
    private Connections() {}

    /**
     * Closes the connection. Netty completes the returned future once the channel is closed; a close that
     * fails leaves nothing for a handler to do (the event loop logs it and the channel is gone either way),
     * so no one waits for it.
     */
    @SuppressWarnings("FutureReturnValueIgnored")
    static void close(ChannelHandlerContext ctx) {
        ctx.close();
    }
}
