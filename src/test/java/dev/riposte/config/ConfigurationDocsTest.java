package dev.riposte.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docs/configuration.md cannot drift: its keys are the code's, and its defaults are config/riposte.yaml's (but for
 * shell.user, which the package sets to its service's user).
 */
class ConfigurationDocsTest {
    private static final Pattern ROW = Pattern.compile("\\| `([a-z_]+\\.[a-z_]+)` \\| `(.*?)` \\|.*");

    private static Map<String, String> documented() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("docs/configuration.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    @Test
    void everyKeyTheCodeKnows_isDocumented_andNothingElse() throws Exception {
        assertEquals(
                new java.util.TreeSet<>(ConfigLoader.keys()),
                new java.util.TreeSet<>(documented().keySet()));
        assertEquals(ConfigLoader.keys().size(), documented().size(), "no key documented twice");
    }

    @Test
    void everyDocumentedDefault_isTheShippedFilesValue() throws Exception {
        Load yaml = new Load(LoadSettings.builder().build());
        Map<?, ?> shipped = (Map<?, ?>) yaml.loadFromString(Files.readString(Path.of("config/riposte.yaml")));
        for (Map.Entry<String, String> e : documented().entrySet()) {
            String[] path = e.getKey().split("\\.");
            Object value = ((Map<?, ?>) shipped.get(path[0])).get(path[1]);
            // The one key the package sets apart from the default: its service runs as the user riposte.
            Object expected = e.getKey().equals("shell.user") ? "riposte" : yaml.loadFromString(e.getValue());
            assertEquals(expected, value, e.getKey());
        }
    }
}
