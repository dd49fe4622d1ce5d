package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.LongSupplier;

/** A kernel whose writes are timed and told to {@link KernelWrites}; everything else passes through. */
final class TimedKernel implements Kernel {
    private final Kernel kernel;
    private final KernelWrites writes;
    private final LongSupplier ticker;

    /** @param ticker nanoseconds from an arbitrary origin, as {@link System#nanoTime()} */
    TimedKernel(Kernel kernel, KernelWrites writes, LongSupplier ticker) {
        this.kernel = kernel;
        this.writes = writes;
        this.ticker = ticker;
    }

    @Override
    public String name() {
        return kernel.name();
    }

    @Override
    public void setup() throws KernelException {
        kernel.setup();
    }

    @Override
    public boolean present() throws KernelException {
        return kernel.present();
    }

    @Override
    public void replace(Collection<Element> elements) throws KernelException {
        timed(KernelWrites.Write.REPLACE, () -> kernel.replace(elements));
    }

    @Override
    public void apply(Collection<Element> add, Collection<InetAddress> delete) throws KernelException {
        timed(KernelWrites.Write.UPDATE, () -> kernel.apply(add, delete));
    }

    private interface KernelWrite {
        void run() throws KernelException;
    }

    /** Runs {@code call} and tells {@link #writes} how long it took and whether the kernel took it. */
    private void timed(KernelWrites.Write write, KernelWrite call) throws KernelException {
        long start = ticker.getAsLong();
        boolean ok = false;
        try {
            call.run();
            ok = true;
        } finally {
            writes.written(write, ok, ticker.getAsLong() - start);
        }
    }

    @Override
    public Map<InetAddress, Duration> list() throws KernelException {
        return kernel.list();
    }

    @Override
    public void remove() throws KernelException {
        kernel.remove();
    }
}
