package dev.riposte.cli;

import dev.riposte.config.ConfigException;
import dev.riposte.config.ConfigLoader;
import dev.riposte.config.HeapBudget;
import dev.riposte.config.RiposteConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --config} option every subcommand shares. */
public final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "/etc/riposte/riposte.yaml",
            description = "configuration file (default: ${DEFAULT-VALUE})")
    Path file;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Where the command prints its results: picocli's {@code getOut()}, standard output unless set otherwise. */
    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    /** Where the command prints its errors: picocli's {@code getErr()}. */
    PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    /** Whether the file is the default one and it is not there (a laptop without riposte installed). */
    private boolean defaultMissing(picocli.CommandLine.Model.CommandSpec spec) {
        return spec.commandLine().getParseResult().matchedOption("--config") == null && !Files.exists(file);
    }

    /**
     * For the reaction author's commands ({@code check}, {@code test}): the file, or the built-in defaults,
     * said on one line to stderr, when no {@code --config} was given and the default file does not exist. An
     * explicit {@code --config} that does not exist stays an error.
     */
    @Nullable
    RiposteConfig loadOrDefaults(picocli.CommandLine.Model.CommandSpec spec, boolean forDaemon) {
        if (defaultMissing(spec)) {
            usedDefaults = true;
            err().println("riposte: no " + file + ": using the built-in defaults (docs/configuration.md)");
            try {
                return ConfigLoader.parse("", "the built-in defaults");
            } catch (ConfigException e) {
                throw new IllegalStateException("the built-in defaults are invalid: " + e.problems(), e);
            }
        }
        return forDaemon ? loadForDaemonOrReport() : loadOrReport();
    }

    /** A name for where the configuration {@link #loadOrDefaults} loaded came from, for output. */
    String source() {
        return usedDefaults ? "built-in defaults" : file.toString();
    }

    private boolean usedDefaults;

    /** Loads the file, or prints every problem to stderr and returns null. */
    @Nullable
    RiposteConfig loadOrReport() {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            report(e.problems());
            return null;
        }
    }

    /** The same, and the configuration must fit this JVM's heap ({@link HeapBudget}): for the daemon and check. */
    @Nullable
    RiposteConfig loadForDaemonOrReport() {
        RiposteConfig config = loadOrReport();
        if (config == null) {
            return null;
        }
        List<String> problems = HeapBudget.problems(config, Runtime.getRuntime().maxMemory());
        if (!problems.isEmpty()) {
            report(problems);
            return null;
        }
        return config;
    }

    private void report(List<String> problems) {
        err().println("riposte: invalid configuration " + file + ":");
        problems.forEach(p -> err().println("  " + p));
    }
}
