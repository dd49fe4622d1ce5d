package dev.riposte.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.base.HelperCall;
import dev.riposte.dispatch.RunResult;
import dev.riposte.event.BadEventException;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.event.FormatChoice;
import dev.riposte.intake.ValueSplitter;
import dev.riposte.match.Reaction;
import dev.riposte.sandbox.Runners;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code riposte test REACTION --events FILE}: the reactions over every event of a file (NDJSON, a JSON
 * stream such as a saved {@code /var/log/jibril.out}, any format riposte reads), each event given to the
 * reactions whose {@code @on} lines match it, as the daemon would, in the same recorded-not-applied
 * environment as {@code riposte test}, with one store and one dry-run netpolicy for the whole file (so a
 * second block of an address answers 1, and DataGet sees what an earlier run set). Prints what happened:
 * events read and rejected, runs and outcomes per reaction, and every address it would have blocked,
 * process it would have killed and file it would have written. Not thread-safe (one use).
 */
final class Backtest {
    /** The largest event read, as the file intake's default. */
    private static final int MAX_EVENT_BYTES = 1 << 20;

    private final List<Reaction> reactions;
    private final Runners runners;
    private final EventParser parser = new EventParser();
    private long events;
    private long rejected;
    private String firstRejection = "";
    private final Map<String, Map<String, Long>> outcomes = new TreeMap<>();
    private final Map<String, Long> matched = new TreeMap<>();
    private final TreeSet<String> blocked = new TreeSet<>();
    private final TreeSet<String> killed = new TreeSet<>();
    private final TreeSet<String> written = new TreeSet<>();
    /** Targets beyond {@link #MAX_LISTED} per list, counted instead of kept. */
    private long unlisted;

    static final int MAX_LISTED = 10_000;

    Backtest(List<Reaction> reactions, Runners runners) {
        this.reactions = reactions;
        this.runners = runners;
        reactions.forEach(r -> matched.put(r.name(), 0L));
    }

    /** Reads the whole file and runs the reactions on its events. */
    void run(Path file) throws IOException {
        ValueSplitter splitter = new ValueSplitter(MAX_EVENT_BYTES);
        ValueSplitter.Sink sink = new ValueSplitter.Sink() {
            @Override
            public void value(byte[] bytes, int length, long start, long end) {
                Event event;
                try {
                    event = parser.parse(
                            new String(bytes, 0, length, StandardCharsets.UTF_8), System.nanoTime(), FormatChoice.AUTO);
                } catch (BadEventException e) {
                    reject("byte " + start + ": " + e.getMessage());
                    return;
                }
                events++;
                handle(event);
            }

            @Override
            public void garbage(long start, String reason, byte[] quoted) {
                reject("byte " + start + ": " + reason);
            }
        };
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                splitter.feed(buffer, 0, n, sink);
            }
        }
        splitter.end(sink);
    }

    private void reject(String why) {
        if (rejected++ == 0) {
            firstRejection = why;
        }
    }

    private void handle(Event event) {
        for (Reaction r : reactions) {
            if (r.header().selectors().stream().noneMatch(s -> s.matches(event))) {
                continue;
            }
            matched.merge(r.name(), 1L, Long::sum);
            RunResult result = runners.run(r, event);
            outcomes.computeIfAbsent(r.name(), k -> new TreeMap<>())
                    .merge(result.outcome().label(), 1L, Long::sum);
            for (HelperCall c : result.calls()) {
                collect(c);
            }
        }
    }

    /** What a call acted on: its argument, or the targets it recorded, when it was done. */
    private void collect(HelperCall c) {
        boolean done = c.result().equals("0");
        switch (c.helper()) {
            case "NetBlockIp", "NetBlockIpTimer", "NetBlockDomain" -> {
                if (c.targets().isEmpty() && done) {
                    add(blocked, firstArgument(c));
                }
                c.targets().stream()
                        .filter(t -> t.endsWith(": blocked"))
                        .forEach(t -> add(blocked, unquote(t.substring(0, t.length() - ": blocked".length()))));
            }
            case "KillCurrent", "KillParent" ->
                c.targets().stream()
                        .filter(t -> t.endsWith(": SIGKILL"))
                        .forEach(t -> add(killed, t.substring(0, t.length() - ": SIGKILL".length())));
            case "KillProcess" -> {
                if (done) {
                    add(killed, "pid " + c.args());
                }
            }
            case "WriteFile" -> {
                if (done) {
                    add(written, firstArgument(c));
                }
            }
            default -> {
                // other helpers change nothing outside riposte
            }
        }
    }

    private void add(Set<String> list, String target) {
        if (list.size() < MAX_LISTED || list.contains(target)) {
            list.add(target);
        } else {
            unlisted++;
        }
    }

    private static String firstArgument(HelperCall c) {
        String args = c.args();
        if (args.startsWith("\"")) {
            int close = args.indexOf('"', 1);
            return close > 0 ? args.substring(1, close) : args;
        }
        int comma = args.indexOf(',');
        return comma > 0 ? args.substring(0, comma) : args;
    }

    private static String unquote(String s) {
        return s.startsWith("\"") && s.endsWith("\"") && s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
    }

    void print(PrintWriter out, boolean json, Path file, double seconds) throws IOException {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode()
                    .put("file", file.toString())
                    .put("events", events)
                    .put("rejected", rejected)
                    .put("seconds", Math.round(seconds * 1000) / 1000.0)
                    .put("events_per_second", seconds > 0 ? Math.round(events / seconds) : 0);
            ObjectNode per = o.putObject("reactions");
            for (Reaction r : reactions) {
                ObjectNode one = per.putObject(r.name()).put("matched", matched.get(r.name()));
                one.set("outcomes", mapper.valueToTree(outcomes.getOrDefault(r.name(), Map.of())));
            }
            o.set("would_block", mapper.valueToTree(blocked));
            o.set("would_kill", mapper.valueToTree(killed));
            o.set("would_write", mapper.valueToTree(written));
            o.put("unlisted", unlisted);
            out.println(mapper.writeValueAsString(o));
            return;
        }
        out.printf(
                "events    %d read from %s in %.1f s (%.0f/s), %d rejected%s%n",
                events,
                file,
                seconds,
                seconds > 0 ? events / seconds : 0.0,
                rejected,
                rejected == 0 ? "" : " (first: " + firstRejection + ")");
        for (Reaction r : reactions) {
            out.println("reaction  " + r.name() + ": " + matched.get(r.name()) + " matched"
                    + outcomes.getOrDefault(r.name(), Map.of()).entrySet().stream()
                            .map(e -> ", " + e.getValue() + " " + e.getKey())
                            .reduce("", String::concat));
        }
        out.println("blocks    " + (blocked.isEmpty() ? "none" : blocked.size() + ": " + String.join(" ", blocked)));
        out.println("kills     " + (killed.isEmpty() ? "none" : killed.size() + ": " + String.join(", ", killed)));
        out.println("writes    " + (written.isEmpty() ? "none" : written.size() + ": " + String.join(" ", written)));
        if (unlisted > 0) {
            out.println("(" + unlisted + " more targets not listed: at most " + MAX_LISTED + " per list)");
        }
        out.println("(effects were recorded, not applied)");
    }

    /** Whether every run ended ok. */
    boolean allOk() {
        return outcomes.values().stream().allMatch(m -> m.keySet().stream().allMatch(k -> k.equals("ok")));
    }
}
