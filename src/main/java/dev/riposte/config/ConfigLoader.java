package dev.riposte.config;

import dev.riposte.base.Text;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads {@code riposte.yaml} strictly: unknown keys and bad values are errors that name the key path,
 * each in the shape {@code <key>: <rule>. Found: <value>}. All problems of a file are reported at once.
 * Thread-safe (stateless).
 */
public final class ConfigLoader {
    public static final List<String> DEFAULT_NEVER_BLOCK =
            List.of("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10");
    /**
     * Secrets no reaction needs as evidence: password hashes, private keys, kernel memory, other processes'
     * environments (credentials) and memory, and the kernel log (reading /proc/kmsg consumes it).
     */
    public static final List<String> DEFAULT_READ_DENY = List.of(
            "/etc/shadow",
            "/etc/shadow-",
            "/etc/gshadow",
            "/etc/gshadow-",
            "/etc/ssh/ssh_host_*_key",
            "/root/.ssh",
            "/home/*/.ssh",
            "/proc/kcore",
            "/proc/kmsg",
            "/proc/*/environ",
            "/proc/*/mem",
            "/proc/*/task/*/environ",
            "/proc/*/task/*/mem",
            "/dev",
            "/sys");

    /** dispatch.workers: 0 means the number of CPUs, at most this many (each worker needs its run's budget in the heap). */
    public static final int DEFAULT_MAX_WORKERS = 4;

    private ConfigLoader() {}

    public static RiposteConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read the file: " + e.getMessage()));
        }
        return parse(text, file.toString());
    }

    /** Every key the configuration knows, as {@code section.key}, in the order the file documents them. */
    public static List<String> keys() {
        List<String> seen = new ArrayList<>();
        build(new Section("", Map.of(), new ArrayList<>(), seen));
        return List.copyOf(seen);
    }

    public static RiposteConfig parse(String yaml, String source) throws ConfigException {
        Object document;
        try {
            document =
                    new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new ConfigException(
                    source, List.of("not valid YAML: " + Text.message(e).replace('\n', ' ')));
        }
        if (document == null) {
            document = Map.of();
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException(
                    source, List.of("(top level): must be a mapping of sections. Found: " + describe(document)));
        }
        List<String> problems = new ArrayList<>();
        RiposteConfig config = build(new Section("", map, problems, new ArrayList<>()));
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private static RiposteConfig build(Section root) {
        Section in = root.section("intake");
        var intake = new RiposteConfig.Intake(
                in.path("socket", "/run/riposte/events.sock"),
                in.string("group", ""),
                in.ids("allow_uids"),
                in.ids("allow_gids"),
                (int) in.integer("max_event_bytes", 1 << 20, 256, 64L << 20),
                in.integer("max_pending_bytes", 16L << 20, 1 << 20, 1L << 34),
                in.path("control_socket", "/run/riposte/control.sock"),
                in.followedFiles("files"));
        if (intake.maxPendingBytes() < intake.maxEventBytes()) {
            root.problems.add(
                    "intake.max_pending_bytes: must be at least intake.max_event_bytes (" + intake.maxEventBytes()
                            + "), or no line of that size could arrive. Found: " + intake.maxPendingBytes());
        }
        in.finish();

        Section di = root.section("dispatch");
        int workers = (int) di.integer("workers", 0, 0, 256);
        int defaultWorkers = Math.min(DEFAULT_MAX_WORKERS, Runtime.getRuntime().availableProcessors());
        var dispatch = new RiposteConfig.Dispatch(
                (int) di.integer("queue_capacity", 10_000, 1, 10_000_000),
                di.integer("queue_max_bytes", 16L << 20, intake.maxEventBytes(), 1L << 40),
                di.choice("overflow", RiposteConfig.Overflow.BACKPRESSURE, RiposteConfig.Overflow.class),
                workers == 0 ? defaultWorkers : workers,
                di.duration("dedup_window", Duration.ofSeconds(60), Duration.ZERO));
        di.finish();

        Section re = root.section("reactions");
        var reactions = new RiposteConfig.Reactions(
                re.path("dir", "/etc/riposte/reactions.d"),
                re.duration("default_timeout", Duration.ofSeconds(1), Duration.ofMillis(1)),
                re.integer("max_alloc_bytes", 32L << 20, 4L << 20, 1L << 40),
                (int) re.integer("max_log_lines", 100, 0, 1_000_000),
                re.integer("max_log_bytes", 64L << 10, 0, 64L << 20),
                (int) re.integer("warmup_runs", 1_500, 0, 1_000_000));
        re.finish();

        Section sh = root.section("shell");
        var shell = new RiposteConfig.Shell(sh.userName("user", "nobody"), sh.bool("privileged", false));
        sh.finish();

        Section ev = root.section("evidence");
        var evidence = new RiposteConfig.Evidence(
                ev.path("dir", "/var/lib/riposte/evidence"),
                ev.integer("max_file_bytes", 16L << 20, 1, 1L << 40),
                ev.duration("retention", Duration.ofDays(7), Duration.ofMinutes(1)),
                ev.integer("max_bytes", 1L << 30, 1 << 20, 1L << 50));
        ev.finish();

        Section fi = root.section("files");
        var files = new RiposteConfig.Files(
                fi.paths("write_roots", List.of()),
                fi.paths("read_roots", List.of("/")),
                fi.pathGlobs("read_deny", DEFAULT_READ_DENY),
                fi.integer("max_read_bytes", 1 << 20, 1, 64L << 20));
        fi.finish();

        Section np = root.section("netpolicy");
        var netpolicy = new RiposteConfig.NetPolicy(
                np.choice("backend", RiposteConfig.Backend.AUTO, RiposteConfig.Backend.class),
                np.cidrs("never_block", DEFAULT_NEVER_BLOCK),
                np.strings("nft_command", List.of("nft"), false),
                np.bool("nft_in_process", true),
                (int) np.integer("max_blocks", 65_536, 1, 10_000_000),
                (int) np.integer("max_blocks_per_run", 256, 1, 1_000_000),
                (int) np.integer("max_domain_addresses", 64, 1, 65_536),
                np.duration("domain_refresh", Duration.ofMinutes(5), Duration.ofSeconds(1)),
                np.duration("reconcile_interval", Duration.ofSeconds(30), Duration.ofSeconds(1)),
                np.duration("resolve_timeout", Duration.ofSeconds(2), Duration.ofMillis(10)));
        np.finish();

        Section st = root.section("state");
        var state = new RiposteConfig.State(
                st.path("path", "/var/lib/riposte/state.db"),
                (int) st.integer("max_keys_per_reaction", 10_000, 1, 10_000_000),
                st.duration("audit_retention", Duration.ofDays(30), Duration.ofMinutes(1)),
                st.integer("audit_max_records", 1_000_000, 100, 1_000_000_000),
                st.integer("max_result_bytes", 1L << 20, 64L << 10, 64L << 20));
        st.finish();

        Section ki = root.section("kill");
        var kill = new RiposteConfig.Kill(ki.integer("min_pid", 500, 1, 4_194_304));
        ki.finish();

        Section em = root.section("emergency");
        var emergency = new RiposteConfig.Emergency(em.bool("enabled", false));
        em.finish();

        Section lg = root.section("log");
        var log =
                new RiposteConfig.Log(lg.choice("target", RiposteConfig.LogTarget.AUTO, RiposteConfig.LogTarget.class));
        lg.finish();

        Section me = root.section("metrics");
        var metrics = listen(me.string("listen", ""), "metrics.listen", root.problems);
        me.finish();

        root.finish();
        PathRules.check(reactions, evidence, files, state, root.problems);
        return new RiposteConfig(
                intake, dispatch, reactions, shell, evidence, files, netpolicy, state, kill, emergency, log, metrics);
    }

    /** {@code HOST:PORT} (an IP address, or [IPv6]:PORT, or localhost), or "" for none. */
    private static RiposteConfig.MetricsExport listen(String value, String key, List<String> problems) {
        if (value.isEmpty()) {
            return new RiposteConfig.MetricsExport("", 0);
        }
        java.util.regex.Matcher m = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[0-9.]+|localhost):([0-9]{1,5})")
                .matcher(value);
        if (m.matches()) {
            int port = Integer.parseInt(m.group(2));
            String host = m.group(1).startsWith("[")
                    ? m.group(1).substring(1, m.group(1).length() - 1)
                    : m.group(1);
            if (port >= 1 && port <= 65535 && (host.equals("localhost") || isAddress(host))) {
                return new RiposteConfig.MetricsExport(host, port);
            }
        }
        problems.add(key + ": must be empty (off) or HOST:PORT with an IP address or localhost and a port from 1 to "
                + "65535, such as 127.0.0.1:9464 or [::1]:9464. Found: " + describe(value));
        return new RiposteConfig.MetricsExport("", 0);
    }

    private static boolean isAddress(String host) {
        if (host.contains(":")) {
            try {
                java.net.InetAddress.getByName(host); // a literal with ':' is never looked up
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        String[] parts = host.split("\\.", -1);
        return parts.length == 4
                && java.util.Arrays.stream(parts)
                        .allMatch(p -> !p.isEmpty() && p.length() <= 3 && Integer.parseInt(p) <= 255);
    }

    static String describe(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
