package dev.riposte.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace this test creates (root needed) with {@code lo} up, deleted on close together with
 * every process started in it. Nothing here touches the root namespace's network or firewall.
 */
public final class NetNamespace implements AutoCloseable {
    private final String name = "riposte-t-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> started = new ArrayList<>();

    public NetNamespace() throws IOException, InterruptedException {
        run("ip", "netns", "add", name);
        run("ip", "-n", name, "link", "set", "lo", "up");
    }

    public String name() {
        return name;
    }

    /**
     * Connects this namespace to {@code other} with a veth pair ({@code here} in this one, {@code there} in
     * the other), both up. The pair is created directly inside the two namespaces and goes with them.
     */
    public void link(String here, NetNamespace other, String there) throws IOException, InterruptedException {
        run("ip", "link", "add", here, "netns", name, "type", "veth", "peer", "name", there, "netns", other.name);
        run("ip", "-n", name, "link", "set", here, "up");
        run("ip", "-n", other.name, "link", "set", there, "up");
    }

    /** The argv prefix that runs a command inside the namespace. */
    public List<String> exec(String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name));
        argv.addAll(List.of(command));
        return argv;
    }

    /** Runs a command inside the namespace and returns its exit code. */
    public int execRc(String... command) throws IOException, InterruptedException {
        return rc(exec(command));
    }

    /** Runs a command inside the namespace, failing unless it exits 0, and returns its stdout. */
    public String execOk(String... command) throws IOException, InterruptedException {
        return output(exec(command));
    }

    /** Starts a long-running command in the namespace; it is ended on close. */
    public Process start(String... command) throws IOException {
        Process p = new ProcessBuilder(exec(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        started.add(p);
        return p;
    }

    /** True when a TCP connection from inside the namespace to {@code host:port} is accepted within one second. */
    public boolean connects(String host, int port) throws IOException, InterruptedException {
        String target = host.contains(":") ? "[" + host + "]" : host;
        return execRc("socat", "-u", "/dev/null", "TCP:" + target + ":" + port + ",connect-timeout=1") == 0;
    }

    /** {@link #connects} for use in lambdas: a failure to run socat becomes an unchecked exception. */
    public boolean reaches(String host, int port) {
        try {
            return connects(host, port);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void run(String... argv) throws IOException, InterruptedException {
        output(List.of(argv));
    }

    static int rc(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + argv);
        }
        return p.exitValue();
    }

    static String output(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(argv + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            for (Process p : started) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            run("ip", "netns", "del", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting network namespace " + name, e);
        }
    }
}
