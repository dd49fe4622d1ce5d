package dev.riposte.bench;

import dev.riposte.base.EffectResult;
import dev.riposte.daemon.Components;
import dev.riposte.effect.netpolicy.Block;
import dev.riposte.effect.netpolicy.Enforcer;
import dev.riposte.effect.netpolicy.Guard;
import dev.riposte.effect.netpolicy.LibraryNftRunner;
import dev.riposte.effect.netpolicy.NftKernel;
import dev.riposte.effect.netpolicy.NftRunner;
import dev.riposte.effect.netpolicy.Origin;
import dev.riposte.effect.netpolicy.ProcessNftRunner;
import dev.riposte.effect.netpolicy.SqliteBlockStore;
import dev.riposte.effect.os.LibC;
import dev.riposte.effect.os.LibNftables;
import dev.riposte.effect.state.StateStore;
import dev.riposte.testing.ManualScheduler;
import dev.riposte.testing.NetNamespace;
import dev.riposte.testing.TestNet;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The netpolicy bridge over real nftables in a network namespace (root needed), with the real SQLite
 * store. {@code oneBlock}: a block call until its batch is in the kernel. {@code burst5000}: 5,000
 * different addresses blocked from two threads (the daemon's workers) until the last batch is in the
 * kernel. {@code restore10000}: a start with 10,000 stored blocks (half of them timed) until they are
 * all in the kernel. Each through libnftables in process and through one {@code nft} process per batch
 * ({@code ip netns exec}). Run with {@code bench/jmh NetpolicyBenchmark}.
 */
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-DRIPOSTE_LOG_LEVEL=WARN",
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow"
        })
public class NetpolicyBenchmark {
    static final Origin ORIGIN = new Origin("bench", "", "NetBlockIp");
    /** {@code library}: libnftables in this process (the daemon's default); {@code process}: one nft per batch. */
    @Param({"library", "process"})
    public String nft;

    NetNamespace ns;
    Path dir;
    StateStore db;
    Enforcer enforcer;
    int next;

    @Setup(Level.Iteration)
    public void setUp() throws Exception {
        ns = new NetNamespace();
        dir = Files.createTempDirectory("riposte-netpolicy-bench");
        db = StateStore.open(dir.resolve("state.db"), Components.SCHEMA);
        enforcer = start();
    }

    private Enforcer start() throws Exception {
        return Enforcer.start(
                new NftKernel(runner(ns)),
                new SqliteBlockStore(db),
                new Guard(List.of(), Map::of),
                new TestNet.FakeDns(),
                TestNet.SETTINGS,
                Clock.systemUTC(),
                new ManualScheduler());
    }

    private NftRunner runner(NetNamespace in) {
        return nft.equals("library")
                ? new LibraryNftRunner(LibNftables.load(), LibC.system(), in.name())
                : new ProcessNftRunner(in.exec("nft"));
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
        enforcer.close();
        db.close();
        ns.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private InetAddress nextAddress() throws Exception {
        int i = next++;
        return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    private void awaitBatches(long count) throws InterruptedException {
        while (enforcer.batches() < count) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 1, time = 5)
    @Measurement(iterations = 3, time = 10)
    public void oneBlock() throws Exception {
        long before = enforcer.batches();
        if (enforcer.block(nextAddress(), ORIGIN).failed()) {
            throw new IllegalStateException("block failed");
        }
        awaitBatches(before + 1);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public long burst5000() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            List<Future<EffectResult>> results = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                InetAddress a = nextAddress();
                results.add(workers.submit(() -> enforcer.block(a, ORIGIN)));
            }
            for (Future<EffectResult> r : results) {
                if (r.get().failed()) {
                    throw new IllegalStateException(r.get().error());
                }
            }
        } finally {
            workers.shutdown();
        }
        while (new NftKernel(runner(ns)).list().size() < 5000) {
            Thread.sleep(1);
        }
        return enforcer.batches();
    }

    /** A namespace and a store holding 10,000 blocks (half of them timed), made before each restore. */
    @State(Scope.Thread)
    public static class Stored {
        NetNamespace ns;
        Path dir;
        StateStore db;
        Enforcer restored;

        @Setup(Level.Invocation)
        public void fill() throws Exception {
            ns = new NetNamespace();
            dir = Files.createTempDirectory("riposte-restore-bench");
            db = StateStore.open(dir.resolve("state.db"), Components.SCHEMA);
            List<Block> blocks = new ArrayList<>();
            Instant now = Instant.now();
            for (int i = 0; i < 10_000; i++) {
                InetAddress a = InetAddress.getByAddress(new byte[] {10, 9, (byte) (i >> 8), (byte) i});
                blocks.add(new Block(a, ORIGIN, now, i % 2 == 0 ? null : now.plusSeconds(3600)));
            }
            new SqliteBlockStore(db).saveAll(blocks);
        }

        @TearDown(Level.Invocation)
        public void remove() throws Exception {
            restored.close();
            if (restored.blocks().size() != 10_000) {
                throw new IllegalStateException("restored " + restored.blocks().size());
            }
            db.close();
            ns.close();
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public Enforcer restore10000(Stored s) throws Exception {
        s.restored = Enforcer.start(
                new NftKernel(runner(s.ns)),
                new SqliteBlockStore(s.db),
                new Guard(List.of(), Map::of),
                new TestNet.FakeDns(),
                TestNet.SETTINGS,
                Clock.systemUTC(),
                new ManualScheduler());
        return s.restored;
    }
}
