package dev.riposte.effect.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A DataPush/DataPop list as it is stored under its key: a JSON array of strings. */
final class StoredList {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredList() {}

    /** The list stored under {@code key} (empty when there is none); refused when the key holds something else. */
    static List<String> parse(String key, Optional<String> stored) throws StoreException {
        List<String> out = new ArrayList<>();
        if (stored.isEmpty()) {
            return out;
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(stored.get());
        } catch (JsonProcessingException e) {
            tree = null;
        }
        if (tree == null || !tree.isArray()) {
            throw new StoreException("key \"" + key + "\" holds a plain value, not a list");
        }
        for (JsonNode element : tree) {
            if (!element.isTextual()) {
                throw new StoreException("key \"" + key + "\" holds an array that is not a list of strings");
            }
            out.add(element.textValue());
        }
        return out;
    }

    /** A list of strings as a JSON array. */
    static String json(List<String> list) {
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serialises", e);
        }
    }
}
