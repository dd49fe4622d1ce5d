package dev.riposte.service;

import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd what the daemon is doing ({@code Type=notify}): READY once the intake socket is bound and
 * the reactions are loaded, STATUS lines with counters, WATCHDOG pings, RELOADING around reloads,
 * STOPPING on shutdown. Without {@code NOTIFY_SOCKET} (not under systemd) every call does nothing.
 * Thread-safe.
 */
public final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private final @Nullable String socket;

    private Notifier(@Nullable String socket) {
        this.socket = socket;
    }

    /** The notifier for this process's environment. */
    public static Notifier fromEnvironment(Map<String, String> env) {
        String socket = env.get("NOTIFY_SOCKET");
        return new Notifier(socket == null || socket.isEmpty() ? null : socket);
    }

    public boolean active() {
        return socket != null;
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID="
                + ProcessHandle.current().pid() + "\n");
    }

    public void status(String status) {
        send("STATUS=" + status + "\n");
    }

    public void watchdog() {
        send("WATCHDOG=1\n");
    }

    public void reloading() {
        send("RELOADING=1\nSTATUS=reloading\n");
    }

    public void stopping() {
        send("STOPPING=1\nSTATUS=stopping\n");
    }

    private void send(String message) {
        if (socket == null) {
            return;
        }
        try {
            LibC.system().sendDatagram(socket, message.getBytes(StandardCharsets.UTF_8));
        } catch (ErrnoException e) {
            LOG.warn("cannot notify systemd: {}", e.getMessage());
        }
    }
}
