package dev.riposte.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The remote addresses an event names, wherever the Jibril formats put them: {@code flow.remote},
 * {@code background.flow_list[].remote}, the legacy {@code background.flows.protocols[].pairs[].nodes.remote}
 * (and its v1.0.0 array form), and a drop-IP event's {@code ip}. The event is parsed again here: this is
 * the rare path ({@code NetBlockIp()} without an argument), and queued events stay small. Thread-safe.
 */
public final class RemotePeers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RemotePeers() {}

    /** The distinct remote address strings, in the order above, exactly as the event wrote them. */
    public static List<String> addresses(Event event) {
        JsonNode root;
        try {
            root = JSON.readTree(event.json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("intake accepted an event that is not JSON", e);
        }
        Set<String> out = new LinkedHashSet<>();
        add(out, root.path("flow").path("remote").path("address"));
        JsonNode background = root.path("background");
        for (JsonNode flow : background.path("flow_list")) {
            add(out, flow.path("remote").path("address"));
        }
        JsonNode flows = background.path("flows");
        if (flows.isArray()) {
            for (JsonNode flow : flows) {
                add(out, flow.path("remote").path("address"));
            }
        }
        for (JsonNode protocol : flows.path("protocols")) {
            for (JsonNode pair : protocol.path("pairs")) {
                add(out, pair.path("nodes").path("remote").path("address"));
            }
        }
        add(out, root.path("ip"));
        return List.copyOf(out);
    }

    private static void add(Set<String> out, JsonNode node) {
        if (node.isTextual() && !node.textValue().isEmpty()) {
            out.add(node.textValue());
        }
    }
}
