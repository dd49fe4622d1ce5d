package dev.riposte.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A sample event line with the places of its top-level {@code uuid} and time ({@code timestamp} for
 * Jibril, {@code time} for Falco and Tetragon), so that each copy can get new ones without re-encoding
 * the rest. A sample without a uuid keeps none (its format derives one from the time).
 */
record BenchEvent(String line, int uuidStart, int uuidEnd, int timeStart, int timeEnd) {
    private static final JsonFactory JSON = new JsonFactory();

    /** Every non-blank line of an NDJSON file; a line with no time to replace is an error. */
    static List<BenchEvent> all(List<String> lines) throws IOException {
        List<BenchEvent> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                out.add(of(line.strip()));
            }
        }
        return out;
    }

    static BenchEvent of(String line) throws IOException {
        int[] uuid = {-1, -1};
        int[] time = {-1, -1};
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a sample event is not a JSON object: " + start(line));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                boolean isTime = key.equals("timestamp") || key.equals("time");
                if (value == JsonToken.VALUE_STRING && (key.equals("uuid") || isTime)) {
                    int at = (int) p.currentTokenLocation().getCharOffset();
                    String raw = "\"" + p.getText() + "\"";
                    if (!line.startsWith(raw, at)) {
                        throw new IOException("a sample event's " + key + " has escapes: " + start(line));
                    }
                    int[] slot = isTime ? time : uuid;
                    slot[0] = at + 1;
                    slot[1] = at + raw.length() - 1;
                } else {
                    p.skipChildren();
                }
            }
        }
        if (time[0] < 0) {
            throw new IOException(
                    "a sample event has no top-level \"timestamp\" or \"time\" string to set: " + start(line));
        }
        return new BenchEvent(line, uuid[0], uuid[1], time[0], time[1]);
    }

    /** The line with this uuid (where it has one) and this time, and a newline. */
    String text(String uuid, Instant time) {
        String t = time.toString();
        StringBuilder s = new StringBuilder(line.length() + 64);
        if (uuidStart < 0) {
            s.append(line, 0, timeStart).append(t).append(line, timeEnd, line.length());
        } else if (uuidStart < timeStart) {
            s.append(line, 0, uuidStart)
                    .append(uuid)
                    .append(line, uuidEnd, timeStart)
                    .append(t)
                    .append(line, timeEnd, line.length());
        } else {
            s.append(line, 0, timeStart)
                    .append(t)
                    .append(line, timeEnd, uuidStart)
                    .append(uuid)
                    .append(line, uuidEnd, line.length());
        }
        return s.append('\n').toString();
    }

    private static String start(String line) {
        return line.substring(0, Math.min(80, line.length()));
    }
}
