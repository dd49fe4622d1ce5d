package dev.riposte.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
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

    /** The event as a tree (parsed again: only the rare helpers that need it pay for it). */
    static JsonNode tree(Event event) {
        try {
            return JSON.readTree(event.json());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("intake accepted an event that is not JSON", e);
        }
    }

    /** The distinct remote address strings, in the order above, exactly as the event wrote them. */
    public static List<String> addresses(Event event) {
        JsonNode root = tree(event);
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

    /**
     * The distinct remote host names: each remote's {@code name} and the entries of its {@code names}
     * that are not IP literals (same places as the addresses), a drop-IP event's {@code names} and a
     * legacy drop-domain event's {@code domain}. Exactly as the event wrote them.
     */
    public static List<String> names(Event event) {
        JsonNode root = tree(event);
        List<JsonNode> remotes = new ArrayList<>();
        remotes.add(root.path("flow").path("remote"));
        JsonNode background = root.path("background");
        background.path("flow_list").forEach(f -> remotes.add(f.path("remote")));
        JsonNode flows = background.path("flows");
        if (flows.isArray()) {
            flows.forEach(f -> remotes.add(f.path("remote")));
        }
        for (JsonNode protocol : flows.path("protocols")) {
            protocol.path("pairs").forEach(pair -> remotes.add(pair.path("nodes").path("remote")));
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode remote : remotes) {
            addName(out, remote.path("name"));
            remote.path("names").forEach(n -> addName(out, n));
        }
        root.path("names").forEach(n -> addName(out, n));
        addName(out, root.path("domain"));
        return List.copyOf(out);
    }

    private static void addName(Set<String> out, JsonNode node) {
        if (node.isTextual() && !node.textValue().isEmpty() && !looksLikeAddress(node.textValue())) {
            out.add(node.textValue());
        }
    }

    /** IP literals appear among a remote's names; they are addresses, not names. */
    private static boolean looksLikeAddress(String s) {
        return s.contains(":") || s.matches("[0-9.]+");
    }

    private static void add(Set<String> out, JsonNode node) {
        if (node.isTextual() && !node.textValue().isEmpty()) {
            out.add(node.textValue());
        }
    }
}
