package dev.riposte.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The processes an event names, for the kill helpers, wherever its format puts them (docs/events.md):
 * <ul>
 * <li>Jibril: {@code process} and its {@code ppid}, with start times from {@code process.start} and
 * {@code background.ancestry}; the older printer envelope's {@code data.body.process} and
 * {@code data.body.parent}.</li>
 * <li>Falco: {@code output_fields} {@code proc.pid}/{@code proc.ppid} with {@code proc.pid.ts}/
 * {@code proc.ppid.ts} (nanoseconds since the epoch, read exactly).</li>
 * <li>Tetragon: {@code process.pid} and the first {@code parent}/{@code ancestors} entry with another
 * pid. An image exec'd in place keeps its pid, so a process started when the first image of its pid in
 * the chain did. A {@code parent} with the process's own pid is the previous image, not a parent.</li>
 * </ul>
 * Thread-safe.
 */
public final class EventProcesses {
    private EventProcesses() {}

    /** What the kill helpers may act on. */
    public sealed interface Target {
        /** A process of the event; {@code start} is null when the event gives no usable start time. */
        record Found(long pid, @Nullable Instant start) implements Target {}

        /** The event names no such process; {@code reason} says so in a sentence. */
        record None(String reason) implements Target {}

        /** The detector has already killed it ({@code by} says how): there is nothing left to do. */
        record AlreadyKilled(long pid, String by) implements Target {}
    }

    /** The event's own process. */
    public static Target current(Event event) {
        JsonNode root = RemotePeers.tree(event);
        return switch (event.format()) {
            case JIBRIL -> {
                JsonNode process = jibrilProcess(root);
                yield hasPid(process)
                        ? new Target.Found(process.path("pid").asLong(), start(process.path("start")))
                        : new Target.None("the event names no process");
            }
            case FALCO -> {
                JsonNode fields = root.path("output_fields");
                yield hasPid(fields, "proc.pid")
                        ? new Target.Found(fields.path("proc.pid").asLong(), nanos(fields.path("proc.pid.ts")))
                        : new Target.None("the alert names no process (proc.pid is not in its output_fields; "
                                + "docs/installation.md shows the append_output that adds it)");
            }
            case TETRAGON -> {
                List<JsonNode> chain = tetragonChain(root);
                if (chain.isEmpty() || !hasPid(chain.get(0))) {
                    yield new Target.None("the event names no process");
                }
                long pid = chain.get(0).path("pid").asLong();
                String action = tetragonBody(root).path("action").asText("");
                if (action.equals("KPROBE_ACTION_SIGKILL")) {
                    yield new Target.AlreadyKilled(pid, "Tetragon enforced this event (action " + action + ")");
                }
                yield new Target.Found(pid, tetragonStart(chain, 0));
            }
        };
    }

    /** The parent of the event's process. */
    public static Target parent(Event event) {
        JsonNode root = RemotePeers.tree(event);
        return switch (event.format()) {
            case JIBRIL -> {
                JsonNode printerParent = root.path("data").path("body").path("parent");
                if (root.path("data").has("head")) {
                    yield hasPid(printerParent)
                            ? new Target.Found(printerParent.path("pid").asLong(), start(printerParent.path("start")))
                            : new Target.None("the event names no parent process");
                }
                JsonNode ppid = root.path("process").path("ppid");
                yield ppid.canConvertToLong()
                        ? new Target.Found(ppid.asLong(), startInAncestry(root, ppid.asLong()))
                        : new Target.None("the event names no parent process");
            }
            case FALCO -> {
                JsonNode fields = root.path("output_fields");
                yield hasPid(fields, "proc.ppid")
                        ? new Target.Found(fields.path("proc.ppid").asLong(), nanos(fields.path("proc.ppid.ts")))
                        : new Target.None("the alert names no parent process (proc.ppid is not in its output_fields)");
            }
            case TETRAGON -> {
                List<JsonNode> chain = tetragonChain(root);
                if (chain.size() < 2 || !hasPid(chain.get(0)) || !hasPid(chain.get(1))) {
                    yield new Target.None("the event names no parent process");
                }
                long pid = chain.get(0).path("pid").asLong();
                if (chain.get(1).path("pid").asLong() == pid) {
                    yield new Target.None("the event's parent is pid " + pid + " itself (a program exec'd in place "
                            + "of another): killing it would kill the process, not its parent");
                }
                yield new Target.Found(chain.get(1).path("pid").asLong(), tetragonStart(chain, 1));
            }
        };
    }

    /** When the event says {@code pid} started (its process, its parent or an ancestor), or null. */
    public static @Nullable Instant startOf(Event event, long pid) {
        JsonNode root = RemotePeers.tree(event);
        return switch (event.format()) {
            case JIBRIL -> {
                JsonNode process = jibrilProcess(root);
                if (hasPid(process) && process.path("pid").asLong() == pid && start(process.path("start")) != null) {
                    yield start(process.path("start"));
                }
                JsonNode printerParent = root.path("data").path("body").path("parent");
                if (hasPid(printerParent) && printerParent.path("pid").asLong() == pid) {
                    yield start(printerParent.path("start"));
                }
                yield startInAncestry(root, pid);
            }
            case FALCO -> {
                JsonNode fields = root.path("output_fields");
                if (hasPid(fields, "proc.pid") && fields.path("proc.pid").asLong() == pid) {
                    yield nanos(fields.path("proc.pid.ts"));
                }
                if (hasPid(fields, "proc.ppid") && fields.path("proc.ppid").asLong() == pid) {
                    yield nanos(fields.path("proc.ppid.ts"));
                }
                yield null;
            }
            case TETRAGON -> {
                List<JsonNode> chain = tetragonChain(root);
                for (int i = 0; i < chain.size(); i++) {
                    if (hasPid(chain.get(i)) && chain.get(i).path("pid").asLong() == pid) {
                        yield tetragonStart(chain, i);
                    }
                }
                yield null;
            }
        };
    }

    /** A Jibril event's process: the bare event's {@code process}, or the older printer's {@code data.body.process}. */
    private static JsonNode jibrilProcess(JsonNode root) {
        return root.path("data").has("head") ? root.path("data").path("body").path("process") : root.path("process");
    }

    private static @Nullable Instant startInAncestry(JsonNode root, long pid) {
        for (JsonNode ancestor : root.path("background").path("ancestry")) {
            if (hasPid(ancestor) && ancestor.path("pid").asLong() == pid) {
                return start(ancestor.path("start"));
            }
        }
        return null;
    }

    /** The Tetragon event's body: the value of its one event-type member. */
    static JsonNode tetragonBody(JsonNode root) {
        var names = root.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (root.get(name).isObject() && !name.equals("node_labels") && !name.equals("aggregation_info")) {
                return root.get(name);
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** process, parent, then ancestors (the parent's parent first), as far as the event gives them. */
    private static List<JsonNode> tetragonChain(JsonNode root) {
        JsonNode body = tetragonBody(root);
        List<JsonNode> chain = new ArrayList<>();
        if (!body.path("process").isObject()) {
            return chain;
        }
        chain.add(body.path("process"));
        if (body.path("parent").isObject()) {
            chain.add(body.path("parent"));
            body.path("ancestors").forEach(chain::add);
        }
        return chain;
    }

    /** The start of the process at {@code chain[i]}: the start_time of the first image of its pid further up. */
    private static @Nullable Instant tetragonStart(List<JsonNode> chain, int i) {
        long pid = chain.get(i).path("pid").asLong();
        Instant start = start(chain.get(i).path("start_time"));
        for (int j = i + 1;
                j < chain.size()
                        && hasPid(chain.get(j))
                        && chain.get(j).path("pid").asLong() == pid;
                j++) {
            Instant earlier = start(chain.get(j).path("start_time"));
            if (earlier != null) {
                start = earlier;
            }
        }
        return start;
    }

    private static boolean hasPid(JsonNode node) {
        return hasPid(node, "pid");
    }

    private static boolean hasPid(JsonNode node, String field) {
        JsonNode pid = node.path(field);
        return pid.isIntegralNumber() && pid.canConvertToLong() && pid.asLong() > 0;
    }

    /** Nanoseconds since the epoch, as an exact integer; anything else counts as not given. */
    private static @Nullable Instant nanos(JsonNode ns) {
        if (!ns.isIntegralNumber() || !ns.canConvertToLong() || ns.asLong() <= 0) {
            return null;
        }
        long n = ns.longValue();
        return Instant.ofEpochSecond(n / 1_000_000_000L, n % 1_000_000_000L);
    }

    /** RFC 3339 start time; Go's zero time and anything unreadable count as not given. */
    private static @Nullable Instant start(JsonNode start) {
        return start.isTextual() ? EventParser.time(start.textValue()).orElse(null) : null;
    }
}
