package dev.riposte.service;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/**
 * Writes log entries to journald over its native protocol (one datagram per entry on
 * {@code /run/systemd/journal/socket}), with structured fields: {@code PRIORITY},
 * {@code SYSLOG_IDENTIFIER=riposte}, {@code MESSAGE} (with the stack trace, if any), {@code LOGGER}, and
 * every key/value the entry carries ({@code REACTION}, {@code EVENT_UUID}, {@code OUTCOME}, ...), so that
 * {@code journalctl -u riposte REACTION=kill-miners} works. A value with a newline uses the protocol's
 * length-prefixed form. Entries over {@link #MAX_ENTRY_BYTES} have their message cut.
 */
public final class JournalAppender extends AppenderBase<ILoggingEvent> {
    public static final String SOCKET = "/run/systemd/journal/socket";
    static final int MAX_ENTRY_BYTES = 60 * 1024;

    private final String socket;
    private volatile boolean failedOnce;

    public JournalAppender(String socket) {
        this.socket = socket;
        setName("journal");
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            LibC.system().sendDatagram(socket, entry(event));
        } catch (ErrnoException e) {
            if (!failedOnce) {
                failedOnce = true;
                addError("cannot write to the journal at " + socket + ": " + e.getMessage());
            }
        }
    }

    static byte[] entry(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        field(out, "PRIORITY", Integer.toString(priority(event.getLevel())));
        field(out, "SYSLOG_IDENTIFIER", "riposte");
        field(out, "LOGGER", event.getLoggerName());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                String key = fieldName(kv.key);
                if (key != null) {
                    field(out, key, String.valueOf(kv.value));
                }
            }
        }
        String message = event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            message = message + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        int room = MAX_ENTRY_BYTES - out.size();
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > room) {
            message = new String(bytes, 0, Math.max(0, room - 64), StandardCharsets.UTF_8) + "...[cut]";
        }
        field(out, "MESSAGE", message);
        return out.toByteArray();
    }

    /** syslog priorities: error 3, warning 4, info 6, debug 7. */
    static int priority(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return 3;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return 4;
        }
        return level.isGreaterOrEqual(Level.INFO) ? 6 : 7;
    }

    /** journald field names: upper-case letters, digits and underscores, not starting with one. */
    static String fieldName(String key) {
        String name = key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
        return name.isEmpty() || name.startsWith("_") || name.length() > 64 ? null : name;
    }

    private static void field(ByteArrayOutputStream out, String name, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        if (value.indexOf('\n') < 0) {
            out.write('=');
            out.writeBytes(v);
        } else {
            out.write('\n');
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v.length).array());
            out.writeBytes(v);
        }
        out.write('\n');
    }
}
