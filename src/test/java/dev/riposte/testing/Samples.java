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

/**
 * The sample events kept in examples/events (copied from shared/events): 12 Jibril events in
 * examples/events, 6 Falco alerts in examples/events/falco and 6 Tetragon events in
 * examples/events/tetragon, each pretty-printed ({@code NN-*.json}) and as one compact line of the
 * directory's samples.ndjson, in file-name order.
 */
public final class Samples {
    public static final Path DIR = Path.of("examples/events");
    public static final Path NDJSON = DIR.resolve("samples.ndjson");
    public static final Path FALCO = DIR.resolve("falco");
    public static final Path TETRAGON = DIR.resolve("tetragon");

    private Samples() {}

    /** The compact lines of the Jibril samples.ndjson, in file-name order. */
    public static List<String> lines() {
        return lines(DIR);
    }

    /** The compact lines of {@code dir}'s samples.ndjson, in file-name order. */
    public static List<String> lines(Path dir) {
        try {
            return Files.readAllLines(dir.resolve("samples.ndjson")).stream()
                    .filter(l -> !l.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Jibril sample whose file name starts with {@code prefix} (such as "01"), as one compact line. */
    public static String line(String prefix) {
        return line(DIR, prefix);
    }

    /** The sample of {@code dir} whose file name starts with {@code prefix}, as one compact line. */
    public static String line(Path dir, String prefix) {
        List<Path> sorted = files(dir);
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).getFileName().toString().startsWith(prefix)) {
                return lines(dir).get(i);
            }
        }
        throw new IllegalArgumentException("no sample " + prefix + " in " + dir);
    }

    /** The pretty-printed sample files of {@code dir}, in name order. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample of {@code dir} whose file name starts with {@code prefix}, parsed. */
    public static Event event(Path dir, String prefix) {
        try {
            return new EventParser().parse(line(dir, prefix), System.nanoTime());
        } catch (BadEventException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Event event(String prefix) {
        try {
            return new EventParser().parse(line(prefix), System.nanoTime());
        } catch (BadEventException e) {
            throw new IllegalStateException(e);
        }
    }
}
