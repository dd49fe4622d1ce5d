package dev.riposte.prometheus;

import dev.riposte.dispatch.RunListener;
import dev.riposte.dispatch.RunRecord;
import dev.riposte.effect.netpolicy.KernelWrites;
import dev.riposte.effect.netpolicy.NetPolicyStatus;
import dev.riposte.intake.SourceStatus;
import dev.riposte.stats.Metrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * riposte's Prometheus series (client_java), served on {@code metrics.listen} at {@code /metrics} in the
 * text and OpenMetrics formats (the scraper's Accept header chooses). Counters the daemon keeps anyway
 * ({@link Metrics}, the netpolicy's status, the dispatcher's queue) are read when scraped; runs are
 * counted and timed here, as a {@link RunListener}. Thread-safe.
 */
public final class Exposition implements RunListener, KernelWrites, AutoCloseable {
    /** The buckets of the run and ingest-to-done histograms: 0.5 ms (a warm run) to 60 s (the longest @timeout). */
    private static final double[] SECONDS_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60
    };
    /**
     * The buckets of the kernel-write histogram: 0.1 ms (a batch over netlink) to 10 s (where riposte gives up
     * on an nft process).
     */
    private static final double[] KERNEL_BUCKETS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 10
    };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter runs;
    private final Histogram runDuration;
    private final Histogram kernelWrites;
    private @Nullable HTTPServer server;

    /**
     * @param metrics the daemon's counters
     * @param netpolicy the netpolicy's status now
     * @param inFlight events admitted and not yet done
     * @param capacity how many may be (dispatch.queue_capacity)
     * @param sources the followed files and standard input, each with its counters
     * @param storeErrors the state store's failed transactions
     * @param version riposte's version, for riposte_build_info
     */
    public Exposition(
            Metrics metrics,
            Supplier<NetPolicyStatus> netpolicy,
            IntSupplier inFlight,
            int capacity,
            Supplier<List<SourceStatus>> sources,
            LongSupplier storeErrors,
            String version) {
        runs = Counter.builder()
                .name("riposte_runs_total")
                .help("Reaction runs, by reaction and outcome")
                .labelNames("reaction", "outcome")
                .register(registry);
        runDuration = Histogram.builder()
                .name("riposte_run_duration_seconds")
                .unit(Unit.SECONDS)
                .help("How long a reaction's run took, by reaction")
                .classicUpperBounds(SECONDS_BUCKETS)
                .labelNames("reaction")
                .register(registry);
        CounterWithCallback.builder()
                .name("riposte_events_total")
                .help("Events by what became of them: received "
                        + "(parsed and offered), rejected (not an event), dropped (queue full), deduplicated, done")
                .labelNames("state")
                .callback(cb -> {
                    Metrics.Snapshot s = metrics.snapshot();
                    cb.call((double) s.received(), "received");
                    cb.call((double) s.rejected(), "rejected");
                    cb.call((double) s.dropped(), "dropped");
                    cb.call((double) s.deduplicated(), "deduplicated");
                    cb.call((double) s.eventsDone(), "done");
                })
                .register(registry);
        CounterWithCallback.builder()
                .name("riposte_source_events_total")
                .help(
                        "Values read from each followed file "
                                + "and standard input: events, rejected (not an event), refused (another format than the source's)")
                .labelNames("source", "state")
                .callback(cb -> {
                    for (SourceStatus s : sources.get()) {
                        String name = s.source(); // the configured path: one series across rotations
                        cb.call((double) s.events(), name, "events");
                        cb.call((double) s.rejected(), name, "rejected");
                        cb.call((double) s.refused(), name, "refused");
                    }
                })
                .register(registry);
        Histogram ingestToDone = Histogram.builder()
                .name("riposte_ingest_to_done_seconds")
                .unit(Unit.SECONDS)
                .help("From the moment riposte had an event to the end of its last run")
                .classicUpperBounds(SECONDS_BUCKETS)
                .register(registry);
        metrics.observeDone(nanos -> ingestToDone.observe(nanos / 1e9));
        GaugeWithCallback.builder()
                .name("riposte_events_in_flight")
                .help("Events admitted and not yet done (queued " + "or running)")
                .callback(cb -> cb.call(inFlight.getAsInt()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("riposte_events_capacity")
                .help("Events that may be in flight at once "
                        + "(dispatch.queue_capacity); beyond it dispatch.overflow applies")
                .callback(cb -> cb.call(capacity))
                .register(registry);
        GaugeWithCallback.builder()
                .name("riposte_netpolicy_active")
                .help("1 while the netpolicy backend applies "
                        + "blocks (or logs them, in dry-run), 0 while it is disabled or degraded")
                .labelNames("backend")
                .callback(cb -> {
                    NetPolicyStatus n = netpolicy.get();
                    cb.call(n.active() ? 1 : 0, n.backend());
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("riposte_netpolicy_blocked")
                .help("Addresses blocked now")
                .callback(cb -> cb.call(netpolicy.get().blocked()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("riposte_netpolicy_domains")
                .help("Domains followed now")
                .callback(cb -> cb.call(netpolicy.get().domains()))
                .register(registry);
        kernelWrites = Histogram.builder()
                .name("riposte_netpolicy_kernel_write_seconds")
                .unit(Unit.SECONDS)
                .help(
                        "How long a write to the kernel's sets took (for nftables, one nft process): update (a batch "
                                + "of adds and deletes) or replace (the restore at start, a re-created table); result ok or error")
                .classicUpperBounds(KERNEL_BUCKETS)
                .labelNames("write", "result")
                .register(registry);
        CounterWithCallback.builder()
                .name("riposte_netpolicy_repairs_total")
                .help("Times the kernel's table was " + "found changed and put back")
                .callback(cb -> cb.call((double) netpolicy.get().repairs()))
                .register(registry);
        CounterWithCallback.builder()
                .name("riposte_store_errors_total")
                .help(
                        "State store transactions that failed "
                                + "on an SQLite error (a full disk, a damaged file): audit records, blocks or reaction data not stored")
                .callback(cb -> cb.call((double) storeErrors.getAsLong()))
                .register(registry);
        Info info = Info.builder()
                .name("riposte_build_info")
                .help("riposte's version")
                .labelNames("version")
                .register(registry);
        info.setLabelValues(version);
        // The JVM's series, but not JvmMemoryPoolAllocationMetrics: it handles every GC's notification, and a
        // reaction that fills the heap makes thousands (MemoryTest's spread-string then outlived its deadline).
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    @Override
    public void onRun(RunRecord record) {
        String reaction = record.reaction().name();
        runs.labelValues(reaction, record.result().outcome().label()).inc();
        runDuration.labelValues(reaction).observe(record.result().durationNanos() / 1e9);
    }

    @Override
    public void written(Write write, boolean ok, long nanos) {
        kernelWrites.labelValues(write.label(), ok ? "ok" : "error").observe(nanos / 1e9);
    }

    /** Serves /metrics on {@code host:port} (port 0: any free port; see {@link #port()}). */
    public void serve(String host, int port) throws IOException {
        server = HTTPServer.builder()
                .inetAddress(InetAddress.getByName(host))
                .port(port)
                .registry(registry)
                .buildAndStart();
    }

    /** The port /metrics is served on. */
    public int port() {
        return Objects.requireNonNull(server, "serve first").getPort();
    }

    /** The series now, in the Prometheus text format (what the node exporter's textfile collector reads). */
    public String text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.builder()
                    .setIncludeCreatedTimestamps(false)
                    .build()
                    .write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
