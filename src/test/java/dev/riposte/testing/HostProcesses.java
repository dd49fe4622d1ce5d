package dev.riposte.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The host's processes, as /proc lists them (for tests that must see that nothing was left running). */
public final class HostProcesses {
    private HostProcesses() {}

    /** The pids of the processes whose command line (arguments joined by spaces) holds {@code marker}. */
    public static List<String> with(String marker) throws Exception {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("[0-9]+"))
                    .filter(p -> {
                        try {
                            return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                                    .replace('\0', ' ')
                                    .contains(marker);
                        } catch (Exception e) {
                            return false; // gone meanwhile
                        }
                    })
                    .map(p -> p.getFileName().toString())
                    .toList();
        }
    }
}
