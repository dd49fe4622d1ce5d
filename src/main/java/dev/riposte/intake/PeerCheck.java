package dev.riposte.intake;

import dev.riposte.base.LogLimiter;
import dev.riposte.stats.Metrics;
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
    private final Metrics metrics;
    private final LogLimiter refusals = new LogLimiter(5, System::nanoTime);

    PeerCheck(PeerPolicy policy, String socketName, Metrics metrics) {
        this.policy = policy;
        this.socketName = socketName;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        PeerCredentials peer;
        try {
            peer = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials();
        } catch (IOException e) {
            LOG.warn("{}: cannot read the peer's credentials, closing: {}", socketName, e.getMessage());
            Connections.close(ctx);
            return;
        }
        String who = PeerPolicy.describe(peer);
        if (!policy.allows(peer)) {
            metrics.refusedPeer();
            long held = refusals.admit();
            if (held >= 0) {
                LOG.warn(
                        "{}: refused connection from {}: not root, not riposte's uid, and not in intake.allow_uids "
                                + "or intake.allow_gids{}",
                        socketName,
                        who,
                        held > 0 ? " (" + held + " more refusals not logged)" : "");
            }
            Connections.close(ctx);
            return;
        }
        ctx.channel().attr(PEER).set(who);
        LOG.debug("{}: connection from {}", socketName, who);
        ctx.pipeline().remove(this);
        super.channelActive(ctx);
    }
}
