package dev.riposte.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.Main;
import dev.riposte.config.ConfigException;
import dev.riposte.config.ConfigLoader;
import dev.riposte.testing.Await;
import dev.riposte.testing.Samples;
import dev.riposte.testing.TestDaemon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A running daemon scraped over HTTP as Prometheus would, after known events. */
class ScrapeTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String accept) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"));
            if (accept != null) {
                request.header("Accept", accept);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static List<String> series(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name)).toList();
    }

    @Test
    void afterTheTwelveSamples_theSeriesSayWhatRanAndHow() throws Exception {
        int port = freePort();
        try (TestDaemon daemon = new TestDaemon(
                dir,
                "netpolicy: {backend: dry-run}\nmetrics: {listen: \"127.0.0.1:" + port + "\"}\n",
                Map.of(
                        "all.js",
                        "// @on kind=*\nfunction process(data) { Info(data.metadata.name); }\n",
                        "miner.js",
                        "// @on name=crypto_miner_execution\nfunction process(data) { NetBlockIp(); throw new Error(\"x\"); }\n"))) {
            daemon.send(Files.readAllLines(Samples.NDJSON));
            daemon.awaitFinished(12);
            assertEquals(port, daemon.daemon().metricsPort());
            HttpResponse<String> text = get(port, null);
            assertEquals(200, text.statusCode());
            String body = text.body();
            assertEquals(
                    List.of(
                            "riposte_runs_total{outcome=\"error\",reaction=\"miner\"} 1.0",
                            "riposte_runs_total{outcome=\"ok\",reaction=\"all\"} 12.0"),
                    series(body, "riposte_runs_total{"),
                    body);
            assertEquals(
                    List.of(
                            "riposte_events_total{state=\"deduplicated\"} 0.0",
                            "riposte_events_total{state=\"done\"} 12.0",
                            "riposte_events_total{state=\"dropped\"} 0.0",
                            "riposte_events_total{state=\"received\"} 12.0",
                            "riposte_events_total{state=\"rejected\"} 0.0"),
                    series(body, "riposte_events_total{"));
            assertEquals(
                    List.of("riposte_run_duration_seconds_count{reaction=\"all\"} 12"),
                    series(body, "riposte_run_duration_seconds_count{reaction=\"all\"}"));
            assertEquals(
                    List.of("riposte_netpolicy_active{backend=\"dry-run\"} 1.0"),
                    series(body, "riposte_netpolicy_active{"));
            assertEquals(List.of("riposte_netpolicy_blocked 1.0"), series(body, "riposte_netpolicy_blocked "));
            assertEquals(List.of("riposte_events_in_flight 0.0"), series(body, "riposte_events_in_flight "));
            assertEquals(List.of("riposte_events_capacity 10000.0"), series(body, "riposte_events_capacity "));
            assertEquals(List.of("riposte_store_errors_total 0.0"), series(body, "riposte_store_errors_total "));
            assertEquals(
                    List.of("riposte_ingest_to_done_seconds_count 12"),
                    series(body, "riposte_ingest_to_done_seconds_count"));
            // The restore at start replaced the (empty) sets; the miner's block is written by the writer thread,
            // after its run, so it is waited for.
            assertEquals(
                    List.of("riposte_netpolicy_kernel_write_seconds_count{result=\"ok\",write=\"replace\"} 1"),
                    series(body, "riposte_netpolicy_kernel_write_seconds_count{result=\"ok\",write=\"replace\"}"));
            String update = "riposte_netpolicy_kernel_write_seconds_count{result=\"ok\",write=\"update\"}";
            Await.poll(1000, 10, () -> !series(get(port, null).body(), update).isEmpty());
            body = get(port, null).body();
            assertEquals(List.of(update + " 1"), series(body, update));
            assertEquals(List.of(), series(body, "riposte_netpolicy_kernel_write_seconds_count{result=\"error\""));
            assertTrue(body.contains("\nriposte_build_info{version="), body);
            assertTrue(body.contains("\njvm_memory_used_bytes{area=\"heap\"} "), "the JVM's own series");

            HttpResponse<String> open = get(port, "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertTrue(
                    open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"),
                    open.headers().toString());
            assertTrue(open.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");

            // The same series over the control socket, as riposte stats --prometheus prints them.
            String printed =
                    cli("stats", "--prometheus", "--config", daemon.configFile().toString());
            assertEquals(series(body, "riposte_runs_total{"), series(printed, "riposte_runs_total{"));
            assertTrue(printed.contains("\n# TYPE riposte_events_total counter\n"), printed);
        }
    }

    @Test
    void eventsFromAFollowedFile_areCountedBySource_andTimedFromIngestToDone() throws Exception {
        int port = freePort();
        Path followed = dir.resolve("jibril.out");
        Files.writeString(followed, "");
        try (TestDaemon daemon = new TestDaemon(
                dir,
                "  files: [{path: " + followed + "}]",
                "netpolicy: {backend: dry-run}\n" + "metrics: {listen: \"127.0.0.1:" + port + "\"}\n",
                Map.of("all.js", "// @on kind=*\nfunction process(d) { }\n"))) {
            Files.writeString(
                    followed,
                    String.join("\n", Files.readAllLines(Samples.NDJSON).subList(0, 3)) + "\nnot json\n");
            daemon.awaitFinished(3);
            String body = get(port, null).body();
            String source = "riposte_source_events_total{source=\"" + followed + "\",state=";
            assertEquals(
                    List.of(source + "\"events\"} 3.0", source + "\"refused\"} 0.0", source + "\"rejected\"} 1.0"),
                    series(body, source),
                    body);
            assertEquals(
                    List.of("riposte_ingest_to_done_seconds_count 3"),
                    series(body, "riposte_ingest_to_done_seconds_count"));
        }
    }

    @Test
    void withoutMetricsListen_nothingListens_butStatsPrometheusAnswers() throws Exception {
        try (TestDaemon daemon = new TestDaemon(
                dir,
                "netpolicy: {backend: dry-run}\n",
                Map.of("all.js", "// @on kind=*\nfunction process(data) { }\n"))) {
            daemon.send(Files.readAllLines(Samples.NDJSON).subList(0, 2));
            daemon.awaitFinished(2);
            assertEquals(-1, daemon.daemon().metricsPort());
            String printed =
                    cli("stats", "--prometheus", "--config", daemon.configFile().toString());
            assertEquals(
                    List.of("riposte_runs_total{outcome=\"ok\",reaction=\"all\"} 2.0"),
                    series(printed, "riposte_runs_total{"),
                    printed);
        }
    }

    /** What a CLI command printed on stdout. */
    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute(args));
        return out.toString();
    }

    @Test
    void aBadListenAddress_isAConfigurationError_sayingWhatIsExpected() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> ConfigLoader.parse("metrics: {listen: \"0.0.0.0\"}", "test"));
        assertEquals(
                List.of("metrics.listen: must be empty (off) or HOST:PORT with an IP address or localhost and a "
                        + "port from 1 to 65535, such as 127.0.0.1:9464 or [::1]:9464. Found: \"0.0.0.0\""),
                e.problems());
    }
}
