package dev.riposte.cli;

import dev.riposte.daemon.Control;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code riposte netpolicy status|flush}: the netpolicy bridge of the running daemon. */
@Command(
        name = "netpolicy",
        description = "Show or reset the running daemon's netpolicy bridge.",
        subcommands = {NetpolicyCommand.Status.class, NetpolicyCommand.Flush.class})
public final class NetpolicyCommand {
    /** One line: backend, state, reason and counts. */
    static String line(Control.Netpolicy n) {
        return n.backend() + " (" + (n.active() ? "active" : "inactive") + "): " + n.reason() + "; " + n.blocked()
                + " blocked, " + n.domains() + " domains followed, " + n.repairs() + " repairs";
    }

    @Command(name = "status", description = "Backend, why it is or is not active, and counts.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--json", description = "print the daemon's JSON answer as is")
        boolean json;

        @Override
        public Integer call() {
            return ControlRequest.send(config, ControlRequest.command("netpolicy-status"), answer -> {
                Control.Netpolicy net =
                        Control.read(answer, Control.NetpolicyStatus.class).netpolicy();
                config.out().println(json ? answer.path("netpolicy").toString() : "netpolicy " + line(net));
                return net.active() ? 0 : 3;
            });
        }
    }

    @Command(
            name = "flush",
            description = "Lift every block, forget every followed domain and remove table inet riposte.")
    static final class Flush implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            return ControlRequest.send(config, ControlRequest.command("netpolicy-flush"), answer -> {
                config.out()
                        .println(
                                "netpolicy flushed: no address is blocked, no domain followed, table inet riposte removed");
                return 0;
            });
        }
    }
}
