package dev.riposte.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.riposte.daemon.Control;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code riposte blocks [--json]} and {@code riposte blocks remove ADDR|DOMAIN}. */
@Command(
        name = "blocks",
        description = "List the blocked addresses and followed domains.",
        subcommands = BlocksCommand.Remove.class)
public final class BlocksCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "print the daemon's JSON answer as is")
    boolean json;

    @Override
    public Integer call() {
        return ControlRequest.send(config, ControlRequest.command("blocks"), this::print);
    }

    private int print(JsonNode answer) {
        if (json) {
            config.out().println(answer);
            return 0;
        }
        Control.Blocks blocks = Control.read(answer, Control.Blocks.class);
        if (!blocks.active()) {
            config.out().println("netpolicy is off: " + blocks.reason());
            config.out().println();
        }
        config.out().printf("%-40s %-10s %-28s %-24s %s%n", "ADDRESS", "REMAINING", "REASON", "REACTION", "EVENT");
        for (Control.Block b : blocks.blocks()) {
            String remaining = b.remainingS() == null ? "-" : b.remainingS() + "s";
            config.out()
                    .printf(
                            "%-40s %-10s %-28s %-24s %s%n",
                            b.address(), remaining, b.reason(), b.reaction(), b.eventUuid());
        }
        if (!blocks.domains().isEmpty()) {
            config.out().println();
            config.out().printf("%-40s %-10s %-28s %-24s %s%n", "DOMAIN (followed)", "", "REASON", "REACTION", "EVENT");
            for (Control.Domain d : blocks.domains()) {
                config.out()
                        .printf(
                                "%-40s %-10s %-28s %-24s %s%n",
                                d.domain(), "", d.reason(), d.reaction(), d.eventUuid());
            }
        }
        return 0;
    }

    @Command(
            name = "remove",
            description = "Lift the block of an address, or stop following a domain (and lift its blocks).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Parameters(paramLabel = "ADDR|DOMAIN", description = "an IP address or a followed domain")
        String target;

        @Override
        public Integer call() {
            return ControlRequest.send(
                    config, ControlRequest.command("blocks-remove").put("target", target), answer -> {
                        config.out()
                                .println(
                                        Control.read(answer, Control.Result.class)
                                                                .code()
                                                        == 0
                                                ? "removed " + target
                                                : target + " was not blocked");
                        return 0;
                    });
        }
    }
}
