package dev.riposte.testing;

import dev.riposte.event.BadEventException;
import dev.riposte.event.Event;
import dev.riposte.event.EventParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The 12 Jibril sample events kept in examples/events (copied from shared/events). */
public final class Samples {
    public static final Path DIR = Path.of("examples/events");
    public static final Path NDJSON = DIR.resolve("samples.ndjson");

    private Samples() {}

    /** The compact lines of samples.ndjson, in file-name order. */
    public static List<String> lines() {
        try {
            return Files.readAllLines(NDJSON).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample whose file name starts with {@code prefix} (such as "01"), as one compact line. */
    public static String line(String prefix) {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> sorted = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
            for (int i = 0; i < sorted.size(); i++) {
                if (sorted.get(i).getFileName().toString().startsWith(prefix)) {
                    return lines().get(i);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no sample " + prefix);
    }

    public static Event event(String prefix) {
        try {
            return new EventParser().parse(line(prefix), System.nanoTime());
        } catch (BadEventException e) {
            throw new IllegalStateException(e);
        }
    }
}
