package dev.riposte.cli;

import dev.riposte.config.RiposteConfig;
import dev.riposte.daemon.Components;
import dev.riposte.effect.netpolicy.NetPolicies;
import dev.riposte.match.Code;
import dev.riposte.match.FieldPathLint;
import dev.riposte.match.Reaction;
import dev.riposte.match.ReactionLoader;
import dev.riposte.match.ReactionSet;
import dev.riposte.match.Rejection;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code riposte check}: validates the configuration and every reaction file the way the daemon would
 * (no effect is ever applied), and warns about reactions that will not do what they seem to: event
 * fields that only Jibril's documentation has, network helpers while the netpolicy bridge is off,
 * shell reactions that run with riposte's privileges ({@code shell.privileged}), emergency helpers while
 * they are disabled. Shell reactions this riposte could not isolate are rejected, saying why. Exit status: 0 valid (warnings allowed), 1 some reaction
 * rejected, 2 invalid configuration.
 */
@Command(name = "check", description = "Validate the configuration and the reactions without running the daemon.")
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(
            arity = "0..*",
            paramLabel = "PATHS",
            description = "reaction files or directories to check instead of reactions.dir")
    List<Path> paths = new ArrayList<>();

    @Override
    public Integer call() {
        Runnable restoreLogs = CliLogs.quiet();
        try {
            return check(spec.commandLine().getOut());
        } finally {
            restoreLogs.run();
        }
    }

    private Integer check(PrintWriter out) {
        RiposteConfig loaded = config.loadOrDefaults(spec, true);
        if (loaded == null) {
            return 2;
        }
        out.println("configuration " + config.source() + ": valid");
        ReactionSet set;
        try (Components.Engine engine = Components.forCheck(loaded)) {
            ReactionLoader loader = engine.loader(loaded.reactions().defaultTimeout());
            set = paths.isEmpty() ? loader.loadDirectory(loaded.reactions().dir()) : loader.loadFiles(expand(paths));
        }
        out.println("reactions in "
                + (paths.isEmpty()
                        ? loaded.reactions().dir().toString()
                        : String.join(" ", paths.stream().map(Path::toString).toList()))
                + ": " + set.loaded().size()
                + " loaded, " + set.rejected().size() + " rejected");
        for (Reaction r : set.loaded()) {
            out.println("  ok  " + r.name() + " (" + r.file().getFileName() + ")" + (r.enabled() ? "" : " [disabled]"));
        }
        for (Rejection r : set.rejected()) {
            out.println("error: " + r);
        }
        warnings(out, loaded, set.loaded());
        out.flush();
        return set.rejected().isEmpty() ? 0 : 1;
    }

    /** Files as given; a directory stands for its reaction files in name order. */
    private static List<Path> expand(List<Path> given) {
        List<Path> out = new ArrayList<>();
        for (Path p : given) {
            if (Files.isDirectory(p)) {
                try (var list = Files.list(p)) {
                    list.filter(f -> f.getFileName().toString().matches("[^.].*\\.(js|sh|yaml|yml)"))
                            .sorted()
                            .forEach(out::add);
                } catch (java.io.IOException e) {
                    out.add(p);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static void warnings(PrintWriter out, RiposteConfig config, List<Reaction> reactions) {
        for (Reaction r : reactions) {
            for (FieldPathLint.Finding f : FieldPathLint.lint(r)) {
                out.println("warning: " + r.file() + ":" + codeLine(r, f.line()) + ": reaction " + r.name() + ": "
                        + f.message());
            }
        }
        String netOff = NetPolicies.probe(config.netpolicy());
        if (netOff != null) {
            for (Reaction r : reactions) {
                if (FieldPathLint.callsNetworkHelpers(r)) {
                    out.println("warning: reaction " + r.name() + " calls network helpers, which will return -1: "
                            + netOff);
                }
            }
        }
        if (config.shell().privileged()) {
            for (Reaction r : reactions) {
                if (r.code() instanceof Code.Shell) {
                    out.println("warning: reaction " + r.name()
                            + " is a shell reaction and runs as riposte itself, with its "
                            + "privileges (shell.privileged: true)");
                }
            }
        }
        if (!config.emergency().enabled()) {
            for (Reaction r : reactions) {
                if (FieldPathLint.callsEmergencyHelpers(r)) {
                    out.println("warning: reaction " + r.name() + " calls PowerOff or Panic, which will return -1 "
                            + "(emergency.enabled is false)");
                }
            }
        }
    }

    /** Lines are the file's for .js and .sh files; a recipe's reaction reports the line within its code. */
    private static String codeLine(Reaction r, int line) {
        String file = r.file().toString();
        return file.endsWith(".js") || file.endsWith(".sh") ? String.valueOf(line) : "code line " + line;
    }
}
