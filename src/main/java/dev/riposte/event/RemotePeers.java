package dev.riposte.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The remote addresses an event names, wherever its format puts them (docs/events.md). Jibril:
 * {@code flow.remote}, {@code background.flow_list[].remote}, the legacy
 * {@code background.flows.protocols[].pairs[].nodes.remote} (and its v1.0.0 array form), a drop-IP
 * event's {@code ip}, and the older printer's {@code data.body.flow.remote}. Falco: {@code fd.rip} (the
 * remote end, whichever side connected; never {@code fd.sip}). Tetragon: each argument's
 * {@code sock_arg.daddr} (the remote end of a socket) and {@code sockaddr_arg.addr} (the address given to
 * connect). The event is parsed again here: this is the rare path ({@code NetBlockIp()} without an
 * argument), and queued events stay small. Thread-safe.
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
        switch (event.format()) {
            case FALCO -> {
                add(out, root.path("output_fields").path("fd.rip"));
                return List.copyOf(out);
            }
            case TETRAGON -> {
                for (JsonNode arg : EventProcesses.tetragonBody(root).path("args")) {
                    add(out, arg.path("sock_arg").path("daddr"));
                    add(out, arg.path("sockaddr_arg").path("addr"));
                }
                return List.copyOf(out);
            }
            case JIBRIL ->
                add(
                        out,
                        root.path("data")
                                .path("body")
                                .path("flow")
                                .path("remote")
                                .path("address"));
        }
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
     * The distinct remote host names. Jibril: each remote's {@code name} and the entries of its
     * {@code names} that are not IP literals (same places as the addresses), a drop-IP event's
     * {@code names} and a legacy drop-domain event's {@code domain}. Falco: {@code fd.rip.name}. Tetragon
     * gives none. Exactly as the event wrote them.
     */
    public static List<String> names(Event event) {
        JsonNode root = tree(event);
        if (event.format() == Format.FALCO) {
            Set<String> out = new LinkedHashSet<>();
            addName(out, root.path("output_fields").path("fd.rip.name"));
            return List.copyOf(out);
        }
        if (event.format() == Format.TETRAGON) {
            return List.of();
        }
        List<JsonNode> remotes = new ArrayList<>();
        remotes.add(root.path("data").path("body").path("flow").path("remote"));
        remotes.add(root.path("flow").path("remote"));
        JsonNode background = root.path("background");
        background.path("flow_list").forEach(f -> remotes.add(f.path("remote")));
        JsonNode flows = background.path("flows");
        if (flows.isArray()) {
            flows.forEach(f -> remotes.add(f.path("remote")));
        }
        for (JsonNode protocol : flows.path("protocols")) {
            protocol.path("pairs")
                    .forEach(pair -> remotes.add(pair.path("nodes").path("remote")));
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
