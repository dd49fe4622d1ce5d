package dev.riposte.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.riposte.config.RiposteConfig;
import java.io.IOException;

/** The shape every control-socket command shares: load the configuration, ask the daemon, report. */
final class ControlRequest {
    /** What a command does with the daemon's answer; returns the exit status. */
    @FunctionalInterface
    interface Answer {
        int handle(JsonNode answer);
    }

    private ControlRequest() {}

    /**
     * Exit 2 for an invalid configuration, 1 when the daemon cannot be reached or refuses (the reason on
     * stderr), else what {@code answer} returns.
     */
    static int send(ConfigOption config, ObjectNode request, Answer answer) {
        RiposteConfig loaded = config.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        JsonNode reply;
        try {
            reply = StatsCommand.fetch(loaded, request);
        } catch (IOException e) {
            config.err().println("riposte: " + e.getMessage());
            return 1;
        }
        return answer.handle(reply);
    }

    static ObjectNode command(String name) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("command", name);
    }
}
