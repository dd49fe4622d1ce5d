package dev.riposte.cli;

import dev.riposte.config.ConfigException;
import dev.riposte.config.ConfigLoader;
import dev.riposte.config.RiposteConfig;
import java.nio.file.Path;
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
            System.err.println("riposte: invalid configuration " + file + ":");
            e.problems().forEach(p -> System.err.println("  " + p));
            return null;
        }
    }
}
