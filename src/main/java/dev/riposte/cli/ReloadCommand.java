package dev.riposte.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code riposte reload}: the running daemon loads every reaction file again (as SIGHUP does). */
@Command(
        name = "reload",
        description = "Make the running daemon load its reactions again; a broken file keeps its last good version.")
public final class ReloadCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        return ControlRequest.send(config, ControlRequest.command("reload"), answer -> {
            System.out.println("reloaded: " + answer.path("loaded").asInt() + " reactions running, "
                    + answer.path("rejected").size() + " files rejected");
            for (JsonNode r : answer.path("rejected")) {
                System.out.println("error: " + r.asText());
            }
            return answer.path("rejected").isEmpty() ? 0 : 1;
        });
    }
}
