package dev.riposte.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Answers control requests ({@code {"command":"stats"}}, ...). Called from the event loop; must be quick. */
@FunctionalInterface
public interface ControlService {
    /** The response object for one request; {@code ok: false} with an {@code error} for requests it does not know. */
    ObjectNode handle(JsonNode request);

    /** A refusal on the wire: {@code "ok": false} and the reason. */
    static ObjectNode error(String message) {
        return JsonNodeFactory.instance.objectNode().put("ok", false).put("error", message);
    }
}
