package dev.riposte.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Debian package built by {@code mvn package}, installed for real with dpkg (this runs after the
 * package phase, as root, in CI): the files land where the unit expects them, the riposte user exists,
 * {@code riposte --version} and {@code riposte check} work from the installed copy, and a purge removes
 * it all again (the test purges even when an assertion fails).
 */
class DebPackageIT {
    record Result(int code, String output) {}

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", command));
        return new Result(p.exitValue(), out);
    }

    private static Path deb() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("riposte_.*_amd64\\.deb"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no riposte_*_amd64.deb in target/ (mvn package builds it)"));
        }
    }

    /**
     * lintian (Debian's, installed by .ci/run) finds no error. The warnings kept, each with its reason in
     * src/deb/doc/lintian-overrides, are overridden; the one left is no-manual-page (riposte --help and
     * /usr/share/doc/riposte/docs are its manual).
     */
    @Test
    void lintian_findsNoError() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/lintian")), "lintian is not installed (.ci/run installs it)");
        Result lintian = run("lintian", "--fail-on", "error", "--tag-display-limit", "0", deb().toString());
        assertEquals(0, lintian.code(), lintian.output());
        List<String> tags =
                lintian.output().lines().filter(l -> l.matches("^[EWI]: .*")).toList();
        assertEquals(List.of("W: riposte: no-manual-page [usr/bin/riposte]"), tags, lintian.output());
    }

    @Test
    void theDeb_installs_runs_andPurgesCleanly() throws Exception {
        Path deb = deb();
        assertEquals(1, run("dpkg", "-s", "riposte").code(), "riposte must not be installed before this test");
        try {
            Result install = run("dpkg", "-i", deb.toString());
            assertEquals(0, install.code(), install.output());
            assertTrue(Files.isExecutable(Path.of("/usr/lib/riposte/bin/riposte")));
            assertTrue(Files.isRegularFile(Path.of("/usr/lib/riposte/lib/riposte.jar")));
            assertTrue(Files.isRegularFile(Path.of("/lib/systemd/system/riposte.service")));
            assertTrue(Files.isDirectory(Path.of("/etc/riposte/reactions.d")));
            assertEquals(
                    Files.readString(Path.of("config/riposte.yaml")),
                    Files.readString(Path.of("/etc/riposte/riposte.yaml")));
            assertEquals(0, run("getent", "passwd", "riposte").code(), "the system user exists");

            Result version = run("/usr/bin/riposte", "--version");
            assertEquals(0, version.code(), version.output());
            assertTrue(version.output().strip().startsWith("riposte 0."), version.output());

            Result check = run("/usr/bin/riposte", "check", "--config", "/etc/riposte/riposte.yaml");
            assertEquals(0, check.code(), check.output());
            assertTrue(check.output().contains("configuration /etc/riposte/riposte.yaml: valid"), check.output());
            assertTrue(
                    check.output().contains("reactions in /etc/riposte/reactions.d: 0 loaded, 0 rejected"),
                    check.output());
        } finally {
            Result purge = run("dpkg", "--purge", "riposte");
            assertEquals(0, purge.code(), purge.output());
        }
        assertFalse(Files.exists(Path.of("/usr/lib/riposte")));
        assertFalse(Files.exists(Path.of("/etc/riposte")), "purge removes the configuration");
        assertEquals(2, run("getent", "passwd", "riposte").code(), "and the system user");
    }
}
