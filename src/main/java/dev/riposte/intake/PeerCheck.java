package dev.riposte.intake;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AttributeKey;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** First in every pipeline: reads SO_PEERCRED, closes connections from peers the policy refuses, and names the peer for logs. */
@ChannelHandler.Sharable
final class PeerCheck extends ChannelInboundHandlerAdapter {
    static final AttributeKey<String> PEER = AttributeKey.valueOf("riposte.peer");
    private static final Logger LOG = LoggerFactory.getLogger(PeerCheck.class);
    private final PeerPolicy policy;
    private final String socketName;

    PeerCheck(PeerPolicy policy, String socketName) {
        this.policy = policy;
        this.socketName = socketName;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        PeerCredentials peer;
        try {
            peer = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
        } catch (IOException e) {
            LOG.warn("{}: cannot read the peer's credentials, closing: {}", socketName, e.getMessage());
            ctx.close();
            return;
        }
        String who = PeerPolicy.describe(peer);
        if (!policy.allows(peer)) {
            LOG.warn("{}: refused connection from {}: not root, not riposte's uid, and not in intake.allow_uids "
                    + "or intake.allow_gids", socketName, who);
            ctx.close();
            return;
        }
        ctx.channel().attr(PEER).set(who);
        LOG.debug("{}: connection from {}", socketName, who);
        ctx.pipeline().remove(this);
        super.channelActive(ctx);
    }
}
