package dev.riposte.cli;

import com.fasterxml.jackson.databind.JsonNode;
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
            System.out.println(answer);
            return 0;
        }
        if (!answer.path("active").asBoolean(true)) {
            System.out.println("netpolicy is off: " + answer.path("reason").asText());
            System.out.println();
        }
        System.out.printf("%-40s %-10s %-28s %-24s %s%n", "ADDRESS", "REMAINING", "REASON", "REACTION", "EVENT");
        for (JsonNode b : answer.path("blocks")) {
            String remaining =
                    b.path("remaining_s").isNull() ? "-" : b.path("remaining_s").asLong() + "s";
            System.out.printf(
                    "%-40s %-10s %-28s %-24s %s%n",
                    b.path("address").asText(),
                    remaining,
                    b.path("reason").asText(),
                    b.path("reaction").asText(),
                    b.path("event_uuid").asText());
        }
        if (!answer.path("domains").isEmpty()) {
            System.out.println();
            System.out.printf("%-40s %-10s %-28s %-24s %s%n", "DOMAIN (followed)", "", "REASON", "REACTION", "EVENT");
            for (JsonNode d : answer.path("domains")) {
                System.out.printf(
                        "%-40s %-10s %-28s %-24s %s%n",
                        d.path("domain").asText(),
                        "",
                        d.path("reason").asText(),
                        d.path("reaction").asText(),
                        d.path("event_uuid").asText());
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
                        System.out.println(
                                answer.path("code").asInt() == 0 ? "removed " + target : target + " was not blocked");
                        return 0;
                    });
        }
    }
}
