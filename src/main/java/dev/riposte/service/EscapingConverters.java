package dev.riposte.service;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.riposte.base.Text;
import org.slf4j.event.KeyValuePair;

/**
 * The console log's message and key/value converters ({@code %msg} and {@code %kvp} in logback.xml), with
 * every control character escaped: text that came from an event (a uuid with a newline, a name with an
 * escape sequence) can never start a line of its own or forge one. Stateless.
 */
public final class EscapingConverters {
    private EscapingConverters() {}

    /** {@code %emsg}: the formatted message, on one line. */
    public static final class Message extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Text.escape(event.getFormattedMessage());
        }
    }

    /** {@code %ekvp}: {@code KEY="value"} pairs, values escaped (quotes and backslashes too). */
    public static final class KeyValues extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            if (event.getKeyValuePairs() == null || event.getKeyValuePairs().isEmpty()) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                if (!out.isEmpty()) {
                    out.append(' ');
                }
                String value = String.valueOf(kv.value).replace("\\", "\\\\").replace("\"", "\\\"");
                out.append(Text.escape(kv.key))
                        .append("=\"")
                        .append(Text.escape(value))
                        .append('"');
            }
            return out.toString();
        }
    }
}
