package dev.riposte.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tarball built by {@code mvn package}, unpacked anywhere: its launcher runs from there, needing nothing else. */
class DistributionIT {
    @TempDir
    Path dir;

    private String run(int expectedCode, String... command) throws Exception {
        return runIn(dir, expectedCode, command);
    }

    /** Runs with the class-data cache in the test's directory (an unpacked distribution would use /var/cache). */
    private String runIn(Path cwd, int expectedCode, String... command) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        builder.environment().put("RIPOSTE_CDS_DIR", dir.resolve("cds").toString());
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        assertEquals(expectedCode, p.exitValue(), out);
        return out;
    }

    private Path unpack() throws Exception {
        Path tarball;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            tarball = files.filter(f -> f.getFileName().toString().matches("riposte-.*-dist\\.tar\\.gz"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no riposte-*-dist.tar.gz in target/"));
        }
        run(0, "tar", "xzf", tarball.toAbsolutePath().toString());
        try (Stream<Path> unpacked = Files.list(dir)) {
            return unpacked.filter(p -> p.getFileName().toString().startsWith("riposte-"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void theUnpackedDistribution_runsAndChecksItsOwnConfiguration() throws Exception {
        Path home = unpack();
        assertTrue(Files.isExecutable(home.resolve("bin/riposte")));
        assertTrue(Files.isRegularFile(home.resolve("lib/riposte.jar")));
        assertTrue(run(0, home.resolve("bin/riposte").toString(), "--version")
                .strip()
                .startsWith("riposte 0."));
        String check = runIn(home, 0, "bin/riposte", "check", "--config", "config/dev.yaml");
        assertTrue(check.contains("reactions in config/reactions.d: 4 loaded, 0 rejected"), check);
    }

    /**
     * An upgrade leaves a class-data archive made for the old jars; the JVM would neither use it nor
     * replace it. The launcher deletes one older than a jar, and the run makes a new one.
     */
    @Test
    void aClassDataArchiveOlderThanTheJars_isMadeAgain() throws Exception {
        Path home = unpack();
        Path archive = dir.resolve("cds/riposte---version.jsa");
        runIn(home, 0, "bin/riposte", "--version");
        assertTrue(Files.size(archive) > 0, "the first run makes the archive");
        FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(archive, old);
        runIn(home, 0, "bin/riposte", "--version");
        assertTrue(Files.getLastModifiedTime(archive).compareTo(old) > 0, "the stale archive was made again");
        FileTime fresh = Files.getLastModifiedTime(archive);
        runIn(home, 0, "bin/riposte", "--version");
        assertEquals(fresh, Files.getLastModifiedTime(archive), "a current archive is reused as it is");
    }
}
