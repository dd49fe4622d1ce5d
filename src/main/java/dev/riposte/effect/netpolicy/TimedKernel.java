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
        long start = ticker.getAsLong();
        boolean ok = false;
        try {
            kernel.replace(elements);
            ok = true;
        } finally {
            writes.written(KernelWrites.Write.REPLACE, ok, ticker.getAsLong() - start);
        }
    }

    @Override
    public void apply(Collection<Element> add, Collection<InetAddress> delete) throws KernelException {
        long start = ticker.getAsLong();
        boolean ok = false;
        try {
            kernel.apply(add, delete);
            ok = true;
        } finally {
            writes.written(KernelWrites.Write.UPDATE, ok, ticker.getAsLong() - start);
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
