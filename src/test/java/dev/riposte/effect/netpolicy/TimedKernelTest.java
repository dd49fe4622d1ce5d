package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Every write to the sets is told with its duration on the injected ticker and whether the kernel took it. */
class TimedKernelTest {
    record Told(KernelWrites.Write write, boolean ok, long nanos) {}

    final List<Told> told = new ArrayList<>();
    /** The ticker's readings: each write reads it twice, so the first takes 250 ns and the second 4,000 ns. */
    final PrimitiveIterator.OfLong ticks =
            LongStream.of(1_000, 1_250, 5_000, 9_000, 20_000, 20_100).iterator();

    private TimedKernel timed(Kernel kernel) {
        return new TimedKernel(kernel, (write, ok, nanos) -> told.add(new Told(write, ok, nanos)), ticks::nextLong);
    }

    @Test
    void updatesAndReplaces_areToldWithTheirDuration() throws Exception {
        DryRunKernel dry = new DryRunKernel(Clock.systemUTC());
        TimedKernel kernel = timed(dry);
        kernel.setup();
        InetAddress a = InetAddress.getByName("203.0.113.7");
        kernel.replace(List.of());
        kernel.apply(List.of(new Kernel.Element(a, Duration.ofMinutes(5))), List.of());
        kernel.list();
        kernel.present();
        assertEquals(
                List.of(
                        new Told(KernelWrites.Write.REPLACE, true, 250),
                        new Told(KernelWrites.Write.UPDATE, true, 4_000)),
                told,
                "reads and the set-up are not writes of the sets");
        assertEquals(List.of(a), List.copyOf(dry.list().keySet()), "the write reached the kernel underneath");
    }

    @Test
    void aRefusedWrite_isToldAsAnError_andStillThrows() {
        Kernel refusing = new Kernel() {
            @Override
            public String name() {
                return "refusing";
            }

            @Override
            public void setup() {}

            @Override
            public boolean present() {
                return true;
            }

            @Override
            public void replace(Collection<Element> elements) throws KernelException {
                throw new KernelException("nft did not finish within 10 s");
            }

            @Override
            public void apply(Collection<Element> add, Collection<InetAddress> delete) throws KernelException {
                throw new KernelException("nft: Error: No such file or directory");
            }

            @Override
            public Map<InetAddress, Duration> list() {
                return Map.of();
            }

            @Override
            public void remove() {}
        };
        TimedKernel kernel = timed(refusing);
        assertEquals(
                "nft: Error: No such file or directory",
                assertThrows(Kernel.KernelException.class, () -> kernel.apply(List.of(), List.of()))
                        .getMessage());
        assertEquals(
                "nft did not finish within 10 s",
                assertThrows(Kernel.KernelException.class, () -> kernel.replace(List.of()))
                        .getMessage());
        assertEquals(
                List.of(
                        new Told(KernelWrites.Write.UPDATE, false, 250),
                        new Told(KernelWrites.Write.REPLACE, false, 4_000)),
                told);
    }

    @Test
    void theLabels_areThoseTheMetricsShow() {
        assertEquals(
                List.of("update", "replace"),
                List.of(KernelWrites.Write.UPDATE.label(), KernelWrites.Write.REPLACE.label()));
    }
}
