package dev.riposte;

import dev.riposte.cli.AuditCommand;
import dev.riposte.cli.BenchCommand;
import dev.riposte.cli.BlocksCommand;
import dev.riposte.cli.CheckCommand;
import dev.riposte.cli.NetpolicyCommand;
import dev.riposte.cli.ReloadCommand;
import dev.riposte.cli.RunCommand;
import dev.riposte.cli.SendCommand;
import dev.riposte.cli.StatsCommand;
import dev.riposte.cli.TestCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code riposte} command line. */
@Command(
        name = "riposte",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Turns security detections into operator-programmed responses.",
        subcommands = {
            RunCommand.class,
            CheckCommand.class,
            TestCommand.class,
            StatsCommand.class,
            SendCommand.class,
            AuditCommand.class,
            BlocksCommand.class,
            NetpolicyCommand.class,
            ReloadCommand.class,
            BenchCommand.class
        })
public final class Main {
    public static void main(String[] args) {
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || !(args.length > 0 && args[0].equals("run"))) {
            System.exit(code);
        }
    }

    /** The version from the jar's manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"riposte " + (v == null ? "dev" : v)};
        }
    }
}
