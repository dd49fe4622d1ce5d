package dev.riposte.effect.netpolicy;

import dev.riposte.base.IpLiteral;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs what nftables would do and keeps the sets in memory, timeouts included; touches nothing. Thread-safe. */
public final class DryRunKernel implements Kernel {
    private static final Logger LOG = LoggerFactory.getLogger(DryRunKernel.class);
    /** Address to the end of its element; {@link Instant#MAX} for no timeout. */
    private final Map<InetAddress, Instant> sets = new HashMap<>();

    private final Clock clock;
    private boolean present;

    public DryRunKernel(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "dry-run";
    }

    @Override
    public synchronized void setup() {
        present = true;
    }

    @Override
    public synchronized boolean present() {
        return present;
    }

    @Override
    public synchronized void replace(Collection<Element> elements) {
        present = true;
        sets.clear();
        elements.forEach(this::put);
        LOG.info("netpolicy dry-run: would restore {} blocks", elements.size());
    }

    private void put(Element e) {
        sets.put(
                e.address(), e.timeout() == null ? Instant.MAX : clock.instant().plus(e.timeout()));
    }

    @Override
    public synchronized void apply(Collection<Element> add, Collection<InetAddress> delete) {
        for (InetAddress a : delete) {
            sets.remove(a);
            LOG.info("netpolicy dry-run: would unblock {}", IpLiteral.format(a));
        }
        for (Element e : add) {
            put(e);
            LOG.info(
                    "netpolicy dry-run: would block {}{}",
                    IpLiteral.format(e.address()),
                    e.timeout() == null ? "" : " for " + e.timeout().toSeconds() + " s");
        }
    }

    @Override
    public synchronized Map<InetAddress, Duration> list() {
        Instant now = clock.instant();
        sets.values().removeIf(until -> !until.isAfter(now));
        Map<InetAddress, Duration> out = new HashMap<>();
        sets.forEach((a, until) -> out.put(a, until.equals(Instant.MAX) ? null : Duration.between(now, until)));
        return out;
    }

    @Override
    public synchronized void remove() {
        present = false;
        sets.clear();
    }
}
