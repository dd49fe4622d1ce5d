package dev.riposte.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** A client connection to one of the daemon's Unix sockets. Not thread-safe. */
final class SocketClient implements AutoCloseable {
    private final SocketChannel channel;
    private final OutputStream out;
    private @Nullable BufferedReader in;

    private SocketClient(SocketChannel channel) {
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
    }

    static SocketClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to " + socket + " (is riposte running?): " + e.getMessage(), e);
        }
        return new SocketClient(channel);
    }

    OutputStream output() {
        return out;
    }

    /** Sends one request line and returns the response line. */
    String request(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (in == null) {
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        }
        String response = in.readLine();
        if (response == null) {
            throw new IOException("the daemon closed the connection without answering");
        }
        return response;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
