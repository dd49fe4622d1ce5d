package dev.riposte.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped unit, checked by systemd's own tools: {@code systemd-analyze verify} (clean, no output) in a
 * root made for the test (systemd's unit files, and the installed paths the unit names, stubbed), and
 * {@code systemd-analyze security --offline=true --threshold=20} (exposure 2.0 or better).
 */
class SystemdUnitTest {
    static final Path UNIT = Path.of("systemd/riposte.service");

    @TempDir
    Path root;

    record Result(int code, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    /** A root with systemd's unit files (regular files only) and stubs where the unit names programs. */
    private Path prepareRoot() throws IOException {
        Path units = Files.createDirectories(root.resolve("usr/lib/systemd/system"));
        try (Stream<Path> files = Files.list(Path.of("/usr/lib/systemd/system"))) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !Files.isSymbolicLink(f))
                    .toList()) {
                Files.copy(f, units.resolve(f.getFileName()));
            }
        }
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        for (String program : List.of("usr/lib/riposte/bin/riposte", "usr/bin/kill")) {
            Path stub = Files.createDirectories(root.resolve(program).getParent())
                    .resolve(Path.of(program).getFileName());
            Files.writeString(stub, "#!/bin/sh\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path etc = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(UNIT, etc.resolve("riposte.service"), StandardCopyOption.REPLACE_EXISTING);
        return etc.resolve("riposte.service");
    }

    @Test
    void verify_isClean() throws Exception {
        prepareRoot();
        Result r = run("systemd-analyze", "verify", "--root=" + root, "/etc/systemd/system/riposte.service");
        assertEquals(new Result(0, ""), r);
    }

    @Test
    void verify_wouldCatchAMistake() throws Exception {
        Path unit = prepareRoot();
        Files.writeString(unit, Files.readString(unit).replace("Type=notify\n", "Type=notifyy\n"));
        Result r = run("systemd-analyze", "verify", "--root=" + root, "/etc/systemd/system/riposte.service");
        assertTrue(r.output().contains("Failed to parse service type, ignoring: notifyy"), r.output());
    }

    @Test
    void security_ratesTheUnit2OrBetter() throws Exception {
        Result r = run("systemd-analyze", "security", "--offline=true", "--threshold=20", UNIT.toString());
        Matcher m = Pattern.compile("Overall exposure level for riposte.service: (\\d+\\.\\d)")
                .matcher(r.output());
        assertTrue(m.find(), r.output());
        assertTrue(Double.parseDouble(m.group(1)) <= 2.0, "exposure " + m.group(1) + "\n" + r.output());
        assertEquals(0, r.code(), r.output());
    }

    @Test
    void theUnit_keepsWhatTheJvmAndTheKillHelpersNeed() throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nType=notify\n"));
        assertTrue(unit.contains("\nProtectProc=default\n"), "the kill helpers read /proc/<pid>/stat");
        assertTrue(!unit.contains("\nMemoryDenyWriteExecute=yes"), "the JIT needs W+X memory");
        assertTrue(unit.contains("\nCapabilityBoundingSet=CAP_NET_ADMIN CAP_KILL CAP_DAC_READ_SEARCH\n"));
        // A synchronous reload (SystemdSuite checks that systemctl reload returns after it) and the cache the
        // launcher's class-data archives need under ProtectSystem=strict.
        assertTrue(
                unit.contains("\nExecReload=/usr/lib/riposte/bin/riposte reload --config /etc/riposte/riposte.yaml\n"));
        assertTrue(unit.contains("\nCacheDirectory=riposte\n"));
        assertTrue(!unit.contains("\nEnvironment=RIPOSTE_JAVA_OPTS"), "the launcher's JVM settings are the service's");
    }
}
