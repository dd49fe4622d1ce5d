package dev.riposte.cli;

import dev.riposte.config.ConfigException;
import dev.riposte.config.ConfigLoader;
import dev.riposte.config.HeapBudget;
import dev.riposte.config.RiposteConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --config} option every subcommand shares. */
public final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "/etc/riposte/riposte.yaml",
            description = "configuration file (default: ${DEFAULT-VALUE})")
    Path file;

    /** Loads the file, or prints every problem to stderr and returns null. */
    RiposteConfig loadOrReport() {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            report(e.problems());
            return null;
        }
    }

    /** The same, and the configuration must fit this JVM's heap ({@link HeapBudget}): for the daemon and check. */
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
        System.err.println("riposte: invalid configuration " + file + ":");
        problems.forEach(p -> System.err.println("  " + p));
    }
}
