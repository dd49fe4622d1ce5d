package dev.riposte.service;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.riposte.effect.os.ErrnoException;
import dev.riposte.effect.os.LibC;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * Writes log entries to journald over its native protocol (one datagram per entry on
 * {@code /run/systemd/journal/socket}), with structured fields: {@code PRIORITY},
 * {@code SYSLOG_IDENTIFIER=riposte}, {@code MESSAGE} (with the stack trace, if any), {@code LOGGER}, and
 * every key/value the entry carries ({@code REACTION}, {@code EVENT_UUID}, {@code OUTCOME}, ...), so that
 * {@code journalctl -u riposte REACTION=kill-miners} works. A value with a newline uses the protocol's
 * length-prefixed form.
 *
 * <p>Every entry reaches the journal: a field is cut at {@link #MAX_FIELD_BYTES} (the message at
 * {@link #MAX_MESSAGE_BYTES}), and the largest fields are cut further until the entry fits
 * {@link #MAX_ENTRY_BYTES}, each cut visibly ({@code ...[cut: N bytes in all]}), never dropped. A datagram
 * the journal refuses anyway is counted ({@link #dropped()}, in {@code riposte stats}) and said on stderr,
 * at most once a minute.
 */
public final class JournalAppender extends AppenderBase<ILoggingEvent> {
    public static final String SOCKET = "/run/systemd/journal/socket";
    static final int MAX_ENTRY_BYTES = 60 * 1024;
    static final int MAX_FIELD_BYTES = 16 * 1024;
    static final int MAX_MESSAGE_BYTES = 32 * 1024;
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final AtomicLong LAST_SAID = new AtomicLong(Long.MIN_VALUE);

    private final String socket;
    private final PrintStream complaints;

    public JournalAppender(String socket) {
        this(socket, System.err);
    }

    /** @param complaints where a refusal is said (at most once a minute): standard error, or a test's */
    JournalAppender(String socket, PrintStream complaints) {
        this.socket = socket;
        this.complaints = complaints;
        setName("journal");
    }

    /** Entries the journal refused since start. */
    public static long dropped() {
        return DROPPED.get();
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            LibC.system().sendDatagram(socket, entry(event));
        } catch (ErrnoException e) {
            long n = DROPPED.incrementAndGet();
            long now = System.nanoTime();
            long last = LAST_SAID.get();
            if ((last == Long.MIN_VALUE || now - last > TimeUnit.MINUTES.toNanos(1))
                    && LAST_SAID.compareAndSet(last, now)) {
                complaints.println("riposte: the journal at " + socket + " refused a log entry (" + e.getMessage()
                        + "); " + n + " refused since start");
            }
        }
    }

    static byte[] entry(ILoggingEvent event) {
        List<String[]> fields = new ArrayList<>();
        fields.add(new String[] {"PRIORITY", Integer.toString(priority(event.getLevel()))});
        fields.add(new String[] {"SYSLOG_IDENTIFIER", "riposte"});
        fields.add(new String[] {"LOGGER", event.getLoggerName()});
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                String key = fieldName(kv.key);
                if (key != null) {
                    fields.add(new String[] {key, cut(String.valueOf(kv.value), MAX_FIELD_BYTES)});
                }
            }
        }
        String message = event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            message = message + "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        fields.add(new String[] {"MESSAGE", cut(message, MAX_MESSAGE_BYTES)});
        fitEntry(fields);
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        for (String[] f : fields) {
            field(out, f[0], f[1]);
        }
        return out.toByteArray();
    }

    /** Cuts the largest fields (by half, with the marker) until the whole entry fits {@link #MAX_ENTRY_BYTES}. */
    private static void fitEntry(List<String[]> fields) {
        while (true) {
            int total = 0;
            String @Nullable [] largest = null;
            for (String[] f : fields) {
                int size = f[0].length() + utf8(f[1]) + 10;
                total += size;
                if (largest == null || utf8(f[1]) > utf8(largest[1])) {
                    largest = f;
                }
            }
            if (largest == null || total <= MAX_ENTRY_BYTES || utf8(largest[1]) < 256) {
                return;
            }
            largest[1] = cut(largest[1], Math.max(128, utf8(largest[1]) / 2));
        }
    }

    /** {@code value} within {@code max} UTF-8 bytes; a cut one ends with a marker giving its whole size. */
    static String cut(String value, int max) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return value;
        }
        String marker = "...[cut: " + whole(value) + " bytes in all]";
        int keep = Math.max(0, max - marker.length() - 4);
        // Decoding a prefix may end on a broken character: drop it rather than write half of one.
        String kept = new String(bytes, 0, keep, StandardCharsets.UTF_8).replaceFirst("\uFFFD$", "");
        return kept + marker;
    }

    /** The size a value said of itself when it was cut before, or its own. */
    private static long whole(String value) {
        int at = value.lastIndexOf("...[cut: ");
        if (at >= 0 && value.endsWith(" bytes in all]")) {
            return Long.parseLong(value.substring(at + 9, value.length() - " bytes in all]".length()));
        }
        return utf8(value);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
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
    static @Nullable String fieldName(String key) {
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
            out.writeBytes(ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(v.length)
                    .array());
            out.writeBytes(v);
        }
        out.write('\n');
    }
}
