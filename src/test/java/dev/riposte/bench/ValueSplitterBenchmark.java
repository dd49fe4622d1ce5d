package dev.riposte.bench;

import dev.riposte.intake.ValueSplitter;
import dev.riposte.testing.Samples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Framing a followed file: the Jibril samples, one per line ({@code ndjson}, 12 events, 98 KB) or as
 * Jibril's pretty printer writes them ({@code pretty}), fed in the 64 KiB reads a followed file gets.
 * Reports the time per pass over all 12 events. Run with {@code bench/jmh ValueSplitterBenchmark}.
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx256m", "-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ValueSplitterBenchmark {
    @Param({"ndjson", "pretty"})
    public String layout;

    byte[] bytes;
    ValueSplitter splitter;

    @Setup
    public void setUp() throws IOException {
        StringBuilder text = new StringBuilder();
        if (layout.equals("ndjson")) {
            text.append(Files.readString(Samples.NDJSON));
        } else {
            for (Path f : Samples.files(Samples.DIR)) {
                text.append(Files.readString(f)).append('\n');
            }
        }
        bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        splitter = new ValueSplitter(1 << 20);
    }

    @Benchmark
    public void split(Blackhole hole) {
        ValueSplitter.Sink sink = new ValueSplitter.Sink() {
            @Override
            public void value(byte[] value, int length, long start, long end) {
                hole.consume(length);
            }

            @Override
            public void garbage(long start, String reason, byte[] quoted) {
                hole.consume(reason);
            }
        };
        for (int i = 0; i < bytes.length; i += 64 * 1024) {
            splitter.feed(bytes, i, Math.min(64 * 1024, bytes.length - i), sink);
        }
    }
}
