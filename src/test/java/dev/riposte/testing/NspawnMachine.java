package dev.riposte.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real systemd (Debian 12's 252 or Ubuntu 24.04's 255) booted as PID 1 of a {@code systemd-nspawn}
 * container, as {@code shared/notes/real-systemd.md} describes: a root of the release made once with
 * debootstrap (kept in {@code target/systemd-root}) and copied for each machine, its own network namespace with only
 * {@code lo} ({@code --private-network}: nothing it does reaches the host's network or firewall), and a
 * cgroup made for it on the host, removed with everything under it by {@link #close}. Needs root.
 */
public final class NspawnMachine implements AutoCloseable {
    /** Held while a distribution's base is looked at or made: one debootstrap per base at a time. */
    private static final Object BASES = new Object();

    /** A file in a cached root marks it complete (a debootstrap cut short is made again). */
    private static final String COMPLETE = ".riposte-root-complete";

    private static final List<String> PACKAGES = List.of(
            "systemd",
            "systemd-sysv",
            "dbus",
            "libpam-systemd",
            "nftables",
            "iproute2",
            "socat",
            "jq",
            "procps",
            "adduser",
            "libcap2-bin");
    private static final Path ROOTS = Path.of("target/systemd-root").toAbsolutePath();

    /** The systems a machine runs: a minimal root of each release, made with the host's debootstrap. */
    public enum Distro {
        /** Debian 12 and its systemd 252, from the host's own Debian mirror. */
        DEBIAN_12("bookworm"),
        /** Ubuntu 24.04 and its systemd 255, from archive.ubuntu.com, checked against Ubuntu's archive key. */
        UBUNTU_24_04("noble");

        /** Ubuntu's archive keyring (project/ubuntu-archive-keyring.gpg, with the 2018 signing key), by SHA-256. */
        private static final String UBUNTU_KEYRING_SHA256 =
                "80a36b0a6de2f69f49d2df75ef473ccde121e9e190b9ea01d20a4f63778d5c31";

        private static final String UBUNTU_MIRROR = "http://archive.ubuntu.com/ubuntu";

        private final String suite;

        Distro(String suite) {
            this.suite = suite;
        }

        Path base() {
            return ROOTS.resolve(suite);
        }

        /** debootstrap's arguments but the packages; fetches what the release needs (Ubuntu's keyring). */
        List<String> debootstrap() throws Exception {
            return switch (this) {
                case DEBIAN_12 -> List.of(suite, base().toString(), mirror());
                case UBUNTU_24_04 ->
                    List.of(
                            "--keyring=" + ubuntuKeyring(),
                            "--components=main,universe",
                            suite,
                            base().toString(),
                            UBUNTU_MIRROR,
                            "/usr/share/debootstrap/scripts/gutsy");
            };
        }

        /** Why a root of this release cannot be made here, if it cannot (no mirror reachable). */
        public Optional<String> unavailable() {
            if (this == DEBIAN_12 || Files.exists(base().resolve(COMPLETE))) {
                return Optional.empty();
            }
            try {
                ubuntuKeyring();
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of(UBUNTU_MIRROR + " cannot be reached from this machine: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted");
            }
        }

        private static Path ubuntuKeyring() throws IOException, InterruptedException {
            Path keyring = ROOTS.resolve("ubuntu-archive-keyring.gpg");
            if (!Files.exists(keyring)) {
                Files.createDirectories(ROOTS);
                try (HttpClient http = HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(10))
                        .build()) {
                    HttpResponse<byte[]> got = http.send(
                            HttpRequest.newBuilder(URI.create(UBUNTU_MIRROR + "/project/ubuntu-archive-keyring.gpg"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    if (got.statusCode() != 200) {
                        throw new IOException("HTTP " + got.statusCode() + " for the archive keyring");
                    }
                    String sha = HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(got.body()));
                    if (!sha.equals(UBUNTU_KEYRING_SHA256)) {
                        throw new IllegalStateException("Ubuntu's archive keyring has SHA-256 " + sha + ", not the "
                                + "one this test knows: check its keys (gpg --show-keys) and update the constant");
                    }
                    Files.write(keyring, got.body());
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
            return keyring;
        }
    }

    /** What a command inside printed (stdout and stderr together) and its exit code. */
    public record Result(int code, String output) {}

    private final String name;
    private final Path root;
    private final Path console;
    private final Process nspawn;
    private final List<Path> cgroups;
    private long init;

    private NspawnMachine(String name, Path root, Path console, Process nspawn, List<Path> cgroups) {
        this.name = name;
        this.root = root;
        this.console = console;
        this.nspawn = nspawn;
        this.cgroups = cgroups;
    }

    /** Whether this host can boot one: root, systemd-nspawn and debootstrap installed (.ci/run installs them). */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("needs root");
        }
        for (String tool : List.of("/usr/bin/systemd-nspawn", "/usr/sbin/debootstrap", "/usr/bin/nsenter")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return Optional.of(tool + " is not installed (.ci/run installs it)");
            }
        }
        return Optional.empty();
    }

    /** The root of {@code distro}, made with debootstrap the first time (about 35-45 s), then kept. */
    static Path base(Distro distro) throws Exception {
        synchronized (BASES) {
            Path base = distro.base();
            if (Files.exists(base.resolve(COMPLETE))) {
                return base;
            }
            deleteTree(base);
            Files.createDirectories(base.getParent());
            List<String> command = new ArrayList<>(
                    List.of("/usr/sbin/debootstrap", "--variant=minbase", "--include=" + String.join(",", PACKAGES)));
            command.addAll(distro.debootstrap());
            Result made = host(Duration.ofMinutes(10), command.toArray(String[]::new));
            if (made.code() != 0) {
                throw new IllegalStateException("debootstrap failed (" + made.code() + "): " + tail(made.output()));
            }
            Files.writeString(base.resolve(COMPLETE), "");
            return base;
        }
    }

    /** The Debian mirror the host's apt uses. */
    static String mirror() throws IOException {
        List<Path> sources = new ArrayList<>();
        if (Files.exists(Path.of("/etc/apt/sources.list"))) {
            sources.add(Path.of("/etc/apt/sources.list"));
        }
        try (Stream<Path> d = Files.list(Path.of("/etc/apt/sources.list.d"))) {
            d.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list"))
                    .sorted()
                    .forEach(sources::add);
        }
        for (Path f : sources) {
            for (String line : Files.readAllLines(f)) {
                String l = line.strip();
                if (l.startsWith("URIs:") && !l.contains("security")) {
                    return l.substring(5).strip().split("\\s+")[0];
                }
                if (l.startsWith("deb ") && !l.contains("security")) {
                    for (String part : l.split("\\s+")) {
                        if (part.startsWith("http")) {
                            return part;
                        }
                    }
                }
            }
        }
        return "http://deb.debian.org/debian";
    }

    /**
     * Copies the root and boots it; returns once its systemd answers {@code is-system-running --wait}.
     * {@code extra} are more systemd-nspawn options (a bind mount).
     */
    public static NspawnMachine boot(Distro distro, String name, Path workDir, String... extra) throws Exception {
        Path base = base(distro);
        Path root = workDir.resolve(name);
        Result copied = host(Duration.ofMinutes(2), "cp", "-a", base.toString(), root.toString());
        if (copied.code() != 0) {
            throw new IllegalStateException("cannot copy the root: " + copied.output());
        }
        List<Path> cgroups = cgroupsFor(name);
        for (Path c : cgroups) {
            Files.createDirectories(c);
        }
        StringBuilder join = new StringBuilder();
        for (Path c : cgroups) {
            join.append("echo $$ > ").append(c.resolve("cgroup.procs")).append(" && ");
        }
        List<String> nspawn = new ArrayList<>(List.of(
                "systemd-nspawn",
                "-D",
                root.toString(),
                "-b",
                "--register=no",
                "--keep-unit",
                "--private-network",
                "--console=read-only",
                "--system-call-filter=bpf",
                "--machine=" + name));
        nspawn.addAll(List.of(extra));
        Path console = workDir.resolve(name + ".console.log");
        ProcessBuilder b = new ProcessBuilder("sh", "-c", join + "exec \"$@\"", "sh");
        b.command().addAll(nspawn);
        b.environment().put("SYSTEMD_NSPAWN_UNIFIED_HIERARCHY", "1");
        b.redirectErrorStream(true).redirectOutput(console.toFile());
        Process started = b.start();
        started.getOutputStream().close();
        NspawnMachine m = new NspawnMachine(name, root, console, started, cgroups);
        try {
            m.awaitInit();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String state;
            do {
                // "offline" until systemd listens on its private socket
                state = m.exec(Duration.ofSeconds(90), "systemctl", "is-system-running", "--wait")
                        .output()
                        .strip();
                if (state.equals("running") || state.equals("degraded")) {
                    return m;
                }
                Thread.sleep(100);
            } while (System.nanoTime() < deadline);
            throw new IllegalStateException("the machine did not come up: " + state + "\n" + m.console());
        } catch (Exception | AssertionError e) {
            try {
                m.close();
            } catch (Exception cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static List<Path> cgroupsFor(String name) {
        Path fs = Path.of("/sys/fs/cgroup");
        if (Files.isDirectory(fs.resolve("unified")) && Files.isDirectory(fs.resolve("systemd"))) {
            return List.of(
                    fs.resolve("unified").resolve(name), fs.resolve("systemd").resolve(name));
        }
        return List.of(fs.resolve(name));
    }

    /** The container's PID 1: the process in the machine's cgroup that is pid 1 in its own namespace. */
    private void awaitInit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!nspawn.isAlive()) {
                throw new IllegalStateException("systemd-nspawn exited with " + nspawn.exitValue() + ":\n" + console());
            }
            for (long pid : processes(cgroups.getFirst())) {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                        // pid 1 of its namespace, once nspawn's child has become systemd
                        if (line.startsWith("NSpid:")
                                && line.split("\\s+").length == 3
                                && line.endsWith("\t1")
                                && Files.readString(Path.of("/proc/" + pid + "/comm"))
                                        .strip()
                                        .equals("systemd")) {
                            init = pid;
                            return;
                        }
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no init process in " + cgroups.getFirst() + ":\n" + console());
    }

    /** Every process in a cgroup and those below it. */
    private static List<Long> processes(Path cgroup) throws IOException {
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(cgroup)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(cgroup)) {
            for (Path procs : walk.filter(p -> p.getFileName().toString().equals("cgroup.procs"))
                    .toList()) {
                try {
                    for (String line : Files.readAllLines(procs)) {
                        if (!line.isBlank()) {
                            out.add(Long.parseLong(line.strip()));
                        }
                    }
                } catch (IOException e) {
                    // removed meanwhile
                }
            }
        }
        return out;
    }

    /** The host path of the machine's root directory, to put files into it. */
    public Path root() {
        return root;
    }

    /** What the machine printed on its console so far (its boot messages). */
    public String console() {
        try {
            return Files.readString(console, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no console output: " + e.getMessage() + ")";
        }
    }

    /** Runs a command inside the machine as root with a plain environment, waiting at most two minutes. */
    public Result exec(String... command) throws Exception {
        return exec(Duration.ofMinutes(2), command);
    }

    public Result exec(Duration timeout, String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of(
                "nsenter",
                "--target",
                Long.toString(init),
                "--mount",
                "--uts",
                "--ipc",
                "--net",
                "--pid",
                "--cgroup",
                "--root",
                "--wdns=/",
                "--",
                "/usr/bin/env",
                "-i",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "LANG=C.UTF-8",
                "HOME=/root",
                "DEBIAN_FRONTEND=noninteractive"));
        full.addAll(List.of(command));
        return host(timeout, full.toArray(String[]::new));
    }

    /** Runs a shell command line inside the machine. */
    public Result sh(String script) throws Exception {
        return exec("/bin/sh", "-c", script);
    }

    static Result host(Duration timeout, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output lost: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            reader.join();
            throw new IllegalStateException(String.join(" ", command) + ": no answer within " + timeout + ":\n"
                    + new String(out[0], StandardCharsets.UTF_8));
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    /**
     * Halts the machine (SIGTERM to nspawn: a clean shutdown, about 2 s); whatever is still running in
     * its cgroup after that is killed. Then removes its cgroups and its root.
     */
    @Override
    public void close() throws IOException {
        try {
            halt();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while halting the machine", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private void halt() throws Exception {
        if (nspawn.isAlive()) {
            nspawn.destroy();
            if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
                nspawn.destroyForcibly();
                nspawn.waitFor(30, TimeUnit.SECONDS);
            }
        }
        Path unified = cgroups.getFirst();
        for (int attempt = 0; attempt < 50 && !processes(unified).isEmpty(); attempt++) {
            if (Files.exists(unified.resolve("cgroup.kill"))) {
                Files.writeString(unified.resolve("cgroup.kill"), "1");
            } else {
                for (long pid : processes(unified)) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Thread.sleep(100);
        }
        for (Path c : cgroups) {
            removeCgroup(c);
        }
        deleteTree(root);
    }

    /** Removes a cgroup directory and those below it, deepest first (each must be empty of processes). */
    private static void removeCgroup(Path cgroup) throws Exception {
        if (!Files.isDirectory(cgroup)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(cgroup)) {
            dirs = walk.filter(Files::isDirectory)
                    .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
                    .toList();
        }
        for (Path d : dirs) {
            for (int attempt = 0; attempt < 50; attempt++) {
                try {
                    Files.delete(d);
                    break;
                } catch (IOException e) {
                    Thread.sleep(100); // its last processes are still exiting
                }
            }
        }
        if (Files.exists(cgroup)) {
            throw new IllegalStateException("cgroup " + cgroup + " could not be removed");
        }
    }

    /** rm -rf, not crossing into other file systems. */
    public static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            Result rm = host(Duration.ofMinutes(2), "rm", "-rf", "--one-file-system", dir.toString());
            if (rm.code() != 0) {
                throw new IllegalStateException("cannot delete " + dir + ": " + rm.output());
            }
        }
    }

    @Override
    public String toString() {
        return "machine " + name + " (init " + init + ")";
    }
}
