package dev.riposte.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.base.HelperCall;
import dev.riposte.config.RiposteConfig;
import dev.riposte.daemon.Components;
import dev.riposte.dispatch.RunResult;
import dev.riposte.effect.files.Tree;
import dev.riposte.event.BadEventException;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionLoader;
import dev.riposte.match.ReactionSet;
import dev.riposte.sandbox.TestIsolation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code riposte test REACTION --event FILE}: runs reactions in the real sandbox on a saved event, with
 * every effect recorded instead of applied, and prints each run: each helper call with the answer it
 * would have had, the log lines, the outcome and duration. REACTION is a reaction file or a directory
 * (every reaction in it runs, as the daemon would load them) or the name of a reaction in the configured
 * directory. Blocks go to a dry-run kernel (the real rails apply), kills make every check but send no
 * signal, the emergency helpers answer as configured without acting, files are written into a throwaway
 * evidence directory (removed afterwards; other write roots are refused), and the store is a fresh, empty
 * one. Shell reactions run in bubblewrap ({@link TestIsolation}), or not at all. Disabled
 * reactions and recipes are reported, not run, unless {@code --force}.
 */
@Command(name = "test", description = "Run reactions on a saved event with every effect recorded, not applied.")
public final class TestCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "REACTION",
            description = "a reaction file, a directory of them, or the name of a " + "reaction in reactions.dir")
    String reactionName;

    @Option(names = "--event", paramLabel = "FILE", description = "one event (JSON, pretty or on one line)")
    Path eventFile;

    @Option(
            names = "--events",
            paramLabel = "FILE",
            description =
                    "every event of a file (NDJSON or a JSON stream "
                            + "such as a saved /var/log/jibril.out, any format): a backtest, printing what the reactions would have done")
    Path eventsFile;

    @Option(names = "--json", description = "print each run as one JSON object (one per line)")
    boolean json;

    @Option(names = "--force", description = "run disabled reactions and recipes too")
    boolean force;

    @Override
    public Integer call() throws Exception {
        RiposteConfig loaded = config.loadOrDefaults(spec, false);
        if (loaded == null) {
            return 2;
        }
        if ((eventFile == null) == (eventsFile == null)) {
            config.err().println("riposte test: give one of --event FILE (one event) and --events FILE (a backtest)");
            return 2;
        }
        if (eventsFile != null && !Files.isReadable(eventsFile)) {
            config.err().println("riposte test: cannot read " + eventsFile);
            return 2;
        }
        Event event = null;
        if (eventFile != null) {
            try {
                event = new EventParser().parse(Files.readString(eventFile).strip(), System.nanoTime());
            } catch (IOException | BadEventException e) {
                config.err().println("riposte test: cannot read an event from " + eventFile + ": " + e.getMessage());
                return 2;
            }
        }
        // Reachable by shell.user (a shell run as root switches to it), listable by no one else.
        Path work = Files.createTempDirectory(
                "riposte-test-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Runnable restoreLogs = CliLogs.quiet();
        // The reaction's own log lines are part of the trace: captured here, not printed by the console.
        Logger reactionLog = (Logger) LoggerFactory.getLogger("riposte.reaction");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        reactionLog.addAppender(logs);
        ch.qos.logback.classic.Level reactionLevel = reactionLog.getLevel();
        boolean additive = reactionLog.isAdditive();
        reactionLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
        reactionLog.setAdditive(false);
        try (Components.DryRun dryRun = Components.forTest(loaded, work)) {
            Components.Engine engine = dryRun.engine();
            ReactionLoader loader = engine.loader(loaded.reactions().defaultTimeout());
            Path given = Path.of(reactionName);
            boolean byPath = Files.exists(given);
            ReactionSet set = !byPath
                    ? loader.loadDirectory(loaded.reactions().dir())
                    : Files.isDirectory(given) ? loader.loadDirectory(given) : loader.loadFiles(List.of(given));
            List<Reaction> chosen = byPath
                    ? set.loaded()
                    : set.loaded().stream()
                            .filter(r -> r.name().equals(reactionName))
                            .toList();
            set.rejected().stream()
                    .filter(r -> byPath || r.toString().contains(reactionName))
                    .forEach(r -> config.err().println("error: " + r));
            if (chosen.isEmpty()) {
                config.err()
                        .println(
                                byPath
                                        ? "riposte test: no reaction loaded from " + given
                                        : "riposte test: no loaded reaction named " + reactionName + " in "
                                                + loaded.reactions().dir() + " (loaded: "
                                                + set.loaded().stream()
                                                        .map(Reaction::name)
                                                        .toList() + ")");
                return 2;
            }
            if (eventsFile != null) {
                List<Reaction> running =
                        chosen.stream().filter(r -> r.enabled() || force).toList();
                chosen.stream()
                        .filter(r -> !running.contains(r))
                        .forEach(r -> config.err()
                                .println("riposte test: " + r.name()
                                        + " is disabled (enabled: false): not run (--force runs it)"));
                Backtest backtest = new Backtest(running, engine.runners());
                long started = System.nanoTime();
                backtest.run(eventsFile);
                backtest.print(config.out(), json, eventsFile, (System.nanoTime() - started) / 1e9);
                return backtest.allOk() ? 0 : 1;
            }
            boolean allOk = true;
            // One of --event and --events is required (picocli), and --events was handled above.
            Event chosenEvent = Objects.requireNonNull(event, "--event");
            for (Reaction reaction : chosen) {
                if (!reaction.enabled() && !force) {
                    printDisabled(reaction, config.out());
                    continue;
                }
                logs.list.clear();
                RunResult result = engine.runners().run(reaction, chosenEvent);
                print(reaction, chosenEvent, result, List.copyOf(logs.list), config.out());
                allOk &= result.outcome() instanceof dev.riposte.dispatch.Outcome.Ok;
            }
            return allOk ? 0 : 1;
        } finally {
            reactionLog.detachAppender(logs);
            reactionLog.setLevel(reactionLevel);
            reactionLog.setAdditive(additive);
            restoreLogs.run();
            Tree.delete(work);
        }
    }

    private void printDisabled(Reaction reaction, PrintWriter out) throws IOException {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            out.println(mapper.writeValueAsString(mapper.createObjectNode()
                    .put("reaction", reaction.name())
                    .put("file", reaction.file().toString())
                    .put("outcome", "disabled")
                    .put("detail", "enabled: false; --force runs it")));
            return;
        }
        out.println("reaction  " + reaction.name() + " (" + reaction.file() + ")");
        out.println("disabled  enabled: false: the daemon loads it but never runs it; not run (--force runs it)");
    }

    private void print(Reaction reaction, Event event, RunResult result, List<ILoggingEvent> logs, PrintWriter out)
            throws IOException {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode()
                    .put("reaction", reaction.name())
                    .put("file", reaction.file().toString())
                    .put("event_uuid", event.uuid())
                    .put("event_name", event.name())
                    .put("event_format", event.format().label())
                    .put("matches", reaction.header().selectors().stream().anyMatch(s -> s.matches(event)))
                    .put("outcome", result.outcome().label())
                    .put("detail", result.outcome().detail())
                    .put("duration_us", result.durationNanos() / 1000);
            o.set("calls", mapper.valueToTree(result.calls()));
            ArrayNode lines = o.putArray("log");
            logs.forEach(l ->
                    lines.addObject().put("level", l.getLevel().toString()).put("message", l.getFormattedMessage()));
            out.println(mapper.writeValueAsString(o));
            return;
        }
        out.println("reaction  " + reaction.name() + " (" + reaction.file() + ")");
        out.println("event     " + event.uuid() + " " + event.name() + " (kind " + event.kind() + ", format "
                + event.format().label() + ")");
        if (reaction.header().selectors().stream().noneMatch(s -> s.matches(event))) {
            out.println(
                    "note      the event matches none of the reaction's @on lines: the daemon would not run it for this event");
        }
        for (HelperCall c : result.calls()) {
            out.println("  " + c + (c.errno().isEmpty() ? "" : "   errno: " + c.errno()));
            if (!c.targets().isEmpty()) {
                out.println("      targets: " + String.join(", ", c.targets()));
            }
        }
        for (ILoggingEvent l : logs) {
            out.println("  log " + l.getLevel() + ": " + l.getFormattedMessage());
        }
        out.printf(
                "outcome   %s%s in %.1f ms%n",
                result.outcome().label(),
                result.outcome().detail().isEmpty()
                        ? ""
                        : " (" + result.outcome().detail() + ")",
                result.durationNanos() / 1e6);
        out.println(
                reaction.code() instanceof dev.riposte.match.Code.Shell
                        ? "(the shell ran in bubblewrap: the system read-only, no network, no privileges; what it wrote is gone)"
                        : "(effects were recorded, not applied: nothing was blocked, killed or written outside a throwaway directory)");
    }
}
