package dev.riposte.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The processes an event names, for the kill helpers: its {@code process}, that process's parent, and
 * any pid of {@code background.ancestry}, each with the start time the event gives. Thread-safe.
 */
public final class EventProcesses {
    private EventProcesses() {}

    /**
     * A process as the event describes it.
     *
     * @param start when it started, or null when the event gives no usable start time
     */
    public record Described(long pid, Instant start) {}

    /** The event's own process, if it has one with a pid. */
    public static Optional<Described> current(Event event) {
        JsonNode process = RemotePeers.tree(event).path("process");
        if (!process.path("pid").canConvertToLong()) {
            return Optional.empty();
        }
        return Optional.of(new Described(process.path("pid").asLong(), start(process)));
    }

    /** The parent of the event's process: its {@code ppid}, with the start time of that pid's ancestry entry. */
    public static Optional<Described> parent(Event event) {
        JsonNode root = RemotePeers.tree(event);
        JsonNode ppid = root.path("process").path("ppid");
        if (!ppid.canConvertToLong()) {
            return Optional.empty();
        }
        return Optional.of(new Described(ppid.asLong(), startIn(root, ppid.asLong())));
    }

    /** When the event says {@code pid} started (its process or an ancestor), or null if it does not say. */
    public static Instant startOf(Event event, long pid) {
        JsonNode root = RemotePeers.tree(event);
        JsonNode process = root.path("process");
        if (process.path("pid").canConvertToLong() && process.path("pid").asLong() == pid && start(process) != null) {
            return start(process);
        }
        return startIn(root, pid);
    }

    private static Instant startIn(JsonNode root, long pid) {
        for (JsonNode ancestor : root.path("background").path("ancestry")) {
            if (ancestor.path("pid").canConvertToLong() && ancestor.path("pid").asLong() == pid) {
                return start(ancestor);
            }
        }
        return null;
    }

    /** RFC 3339 start time; Go's zero time and anything unreadable count as not given. */
    private static Instant start(JsonNode process) {
        JsonNode start = process.path("start");
        if (!start.isTextual()) {
            return null;
        }
        try {
            Instant t = OffsetDateTime.parse(start.textValue()).toInstant();
            return t.getEpochSecond() <= 0 ? null : t;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
