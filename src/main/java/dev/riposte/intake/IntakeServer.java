package dev.riposte.intake;

import dev.riposte.config.RiposteConfig;
import dev.riposte.dispatch.Dispatcher;
import dev.riposte.event.EventParser;
import dev.riposte.stats.Metrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake and control Unix sockets (Netty, epoll transport). {@link #start} binds both or fails
 * with a message that says why; {@link #close} unbinds them and removes the socket files.
 * Not thread-safe: start and close from one thread.
 */
public final class IntakeServer implements AutoCloseable {
    static {
        // Netty names each channel after a MAC address of the host, and warns at every start where there is
        // none (a container or namespace with only lo). The name has to be unique in this process only.
        if (System.getProperty("io.netty.machineId") == null) {
            byte[] id = new byte[8];
            new java.security.SecureRandom().nextBytes(id);
            id[0] |= 0x02; // a locally administered address, as a made-up one must say
            StringBuilder hex = new StringBuilder();
            for (byte b : id) {
                hex.append(hex.isEmpty() ? "" : ":").append(String.format("%02x", b));
            }
            System.setProperty("io.netty.machineId", hex.toString());
        }
    }

    static final int MAX_CONTROL_LINE = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(IntakeServer.class);

    private final RiposteConfig.Intake config;
    private final Dispatcher dispatcher;
    private final Metrics metrics;
    private final ControlService control;
    private final PeerPolicy eventPeers;
    private final PeerPolicy controlPeers;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("riposte-intake", true), EpollIoHandler.newFactory());
    private final List<Channel> channels = new ArrayList<>();
    private final List<Path> published = new ArrayList<>();
    private final List<FileChannel> locks = new ArrayList<>();

    public IntakeServer(
            RiposteConfig.Intake config, Dispatcher dispatcher, Metrics metrics, ControlService control, int ownUid) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.control = control;
        this.eventPeers = new PeerPolicy(ownUid, config.allowUids(), config.allowGids());
        this.controlPeers = new PeerPolicy(ownUid, List.of(), List.of());
    }

    /** Binds the events socket (mode 0660, {@code intake.group}) and the control socket (mode 0600). */
    public void start() throws IOException {
        BadLines badLines = new BadLines(metrics);
        EventParser parser = new EventParser();
        PendingBytes pending = new PendingBytes(config.maxPendingBytes(), metrics);
        PeerCheck eventCheck = new PeerCheck(eventPeers, "intake", metrics);
        bind(config.socket(), "rw-rw----", config.group(), new ChannelInitializer<EpollDomainSocketChannel>() {
            @Override
            protected void initChannel(EpollDomainSocketChannel ch) {
                // Order: who is calling, then bounded lines (all connections' unfinished ones within one
                // budget), then line -> Event, then Event -> dispatcher.
                ch.pipeline()
                        .addLast(
                                eventCheck,
                                new LineFramer(config.maxEventBytes(), pending, badLines),
                                new EventDecoder(parser, badLines),
                                new EventHandler(dispatcher, metrics));
            }
        });
        PeerCheck controlCheck = new PeerCheck(controlPeers, "control", metrics);
        bind(config.controlSocket(), "rw-------", "", new ChannelInitializer<EpollDomainSocketChannel>() {
            @Override
            protected void initChannel(EpollDomainSocketChannel ch) {
                ch.pipeline()
                        .addLast(
                                controlCheck,
                                new LineBasedFrameDecoder(MAX_CONTROL_LINE, true, true),
                                new ControlHandler(control));
            }
        });
    }

    private void bind(Path path, String mode, String groupName, ChannelInitializer<EpollDomainSocketChannel> init)
            throws IOException {
        Path absolute = path.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        locks.add(SocketFiles.lock(absolute));
        SocketFiles.checkReplaceable(absolute);
        Path temporary = SocketFiles.temporary(absolute);
        Files.deleteIfExists(temporary);
        Channel channel;
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(init)
                    .bind(new DomainSocketAddress(temporary.toString()))
                    .sync()
                    .channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding " + absolute);
        } catch (Exception e) {
            throw new IOException("cannot bind " + absolute + ": " + e.getMessage(), e);
        }
        channels.add(channel);
        try {
            SocketFiles.publish(temporary, absolute, mode, groupName);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        published.add(absolute);
        LOG.info("listening on {} (mode {})", absolute, mode);
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly();
        }
        for (Path path : published) {
            try {
                if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(path);
                }
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", path, e.getMessage());
            }
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        for (FileChannel lock : locks) {
            try {
                lock.close();
            } catch (IOException e) {
                LOG.warn("cannot release a socket lock: {}", e.getMessage());
            }
        }
    }
}
