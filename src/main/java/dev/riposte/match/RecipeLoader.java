package dev.riposte.match;

import dev.riposte.base.Text;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a Jibril recipe file: a YAML list of recipes, each with a {@code name}, an optional
 * {@code enabled} and a list of {@code reactions} ({@code format: js|shell}, {@code code}). Every
 * reaction becomes a riposte reaction for events whose {@code metadata.name} is the recipe's name,
 * named after the recipe ({@code name}, or {@code name.N} when the recipe has several). Fields riposte
 * does not use (detection settings, {@code kind}, {@code version}, ...) are ignored. A broken recipe or
 * reaction is rejected with its YAML line; the others load. Thread-safe (stateless apart from its settings).
 */
final class RecipeLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private final ScriptValidator js;
    private final ScriptValidator shell;
    private final Duration defaultTimeout;

    RecipeLoader(ScriptValidator js, ScriptValidator shell, Duration defaultTimeout) {
        this.js = js;
        this.shell = shell;
        this.defaultTimeout = defaultTimeout;
    }

    /** What a recipe file gave: the reactions it defines and the parts that were rejected. */
    record Loaded(List<Reaction> reactions, List<Rejection> rejections) {}

    Loaded load(Path file, String text, String hash) {
        List<Reaction> reactions = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        Optional<Node> root;
        try {
            root = new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeString(text);
        } catch (MarkedYamlEngineException e) {
            rejections.add(new Rejection(
                    file, e.getProblemMark().map(m -> m.getLine() + 1).orElse(1), "not valid YAML: " + e.getProblem()));
            return new Loaded(reactions, rejections);
        } catch (YamlEngineException e) {
            rejections.add(new Rejection(file, 1, "not valid YAML: " + e.getMessage()));
            return new Loaded(reactions, rejections);
        }
        if (root.isEmpty()) {
            return new Loaded(reactions, rejections);
        }
        if (!(root.get() instanceof SequenceNode recipes)) {
            rejections.add(new Rejection(file, line(root.get()), "a recipe file is a list of recipes (- name: ...)"));
            return new Loaded(reactions, rejections);
        }
        for (Node recipe : recipes.getValue()) {
            try {
                reactions.addAll(recipe(file, recipe, hash, rejections));
            } catch (ReactionException e) {
                rejections.add(new Rejection(file, e.line(), Text.message(e)));
            }
        }
        return new Loaded(reactions, rejections);
    }

    private List<Reaction> recipe(Path file, Node node, String hash, List<Rejection> rejections)
            throws ReactionException {
        Map<String, Node> fields = mapping(node, "a recipe");
        String recipeName = scalar(fields, "name", node, "the recipe");
        if (!NAME.matcher(recipeName).matches()) {
            throw new ReactionException(
                    line(fields.get("name")),
                    "recipe name \"" + recipeName + "\" must be 1 to 63 "
                            + "characters of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        boolean enabled = true;
        if (fields.containsKey("enabled")) {
            String value =
                    scalar(fields, "enabled", node, "recipe " + recipeName).toLowerCase(Locale.ROOT);
            if (!value.equals("true") && !value.equals("false")) {
                throw new ReactionException(
                        line(fields.get("enabled")),
                        "recipe " + recipeName + ": enabled must be true or false, got \"" + value + "\"");
            }
            enabled = Boolean.parseBoolean(value);
        }
        Node list = fields.get("reactions");
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof SequenceNode sequence)) {
            throw new ReactionException(
                    line(list), "recipe " + recipeName + ": reactions must be a list of " + "{format, code} entries");
        }
        List<Reaction> out = new ArrayList<>();
        List<Node> entries = sequence.getValue();
        for (int i = 0; i < entries.size(); i++) {
            String name = entries.size() == 1 ? recipeName : recipeName + "." + (i + 1);
            try {
                out.add(reaction(file, entries.get(i), name, recipeName, enabled, hash));
            } catch (ReactionException e) {
                rejections.add(new Rejection(file, e.line(), Text.message(e)));
            }
        }
        return out;
    }

    private Reaction reaction(Path file, Node node, String name, String recipeName, boolean enabled, String hash)
            throws ReactionException {
        String what = "recipe " + recipeName + ", reaction " + name;
        Map<String, Node> fields = mapping(node, what);
        String format = scalar(fields, "format", node, what);
        Node codeNode = fields.get("code");
        String code = scalar(fields, "code", node, what);
        ScriptValidator validator = switch (format) {
            case "js" -> js;
            case "shell" -> shell;
            default ->
                throw new ReactionException(
                        line(fields.get("format")), what + ": unknown format \"" + format + "\" (js or shell)");
        };
        // A block scalar's text starts on the line after its indicator; a plain one on its own line.
        int firstCodeLine = line(codeNode)
                + (codeNode instanceof ScalarNode s
                                && (s.getScalarStyle() == ScalarStyle.LITERAL
                                        || s.getScalarStyle() == ScalarStyle.FOLDED)
                        ? 1
                        : 0);
        Code validated;
        try {
            validated = validator.validate(file.toString(), code);
        } catch (ReactionException e) {
            throw new ReactionException(firstCodeLine + e.line() - 1, what + ": " + e.getMessage());
        }
        ReactionHeader header = new ReactionHeader(
                List.of(new Selector(List.of(Term.FieldGlob.of("name", recipeName)))),
                Optional.of(name),
                Optional.empty(),
                enabled);
        return new Reaction(name, file, header, hash, validated, defaultTimeout);
    }

    private static Map<String, Node> mapping(Node node, String what) throws ReactionException {
        if (!(node instanceof MappingNode mapping)) {
            throw new ReactionException(line(node), what + " must be a mapping of fields");
        }
        Map<String, Node> out = new HashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode key) {
                if (out.put(key.getValue(), t.getValueNode()) != null) {
                    throw new ReactionException(line(key), what + ": field " + key.getValue() + " is given twice");
                }
            }
        }
        return out;
    }

    private static String scalar(Map<String, Node> fields, String key, Node owner, String what)
            throws ReactionException {
        Node value = fields.get(key);
        if (value == null) {
            throw new ReactionException(line(owner), what + ": missing " + key);
        }
        if (!(value instanceof ScalarNode s) || s.getValue().isBlank()) {
            throw new ReactionException(line(value), what + ": " + key + " must be a non-empty text");
        }
        return s.getValue();
    }

    /** The 1-based line a node starts on. */
    private static int line(@Nullable Node node) {
        return node == null ? 1 : node.getStartMark().map(Mark::getLine).orElse(0) + 1;
    }
}
