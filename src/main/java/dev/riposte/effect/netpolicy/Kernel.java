package dev.riposte.effect.netpolicy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The kernel side of blocking: riposte's table and its two sets. Implementations are thread-safe. */
public interface Kernel {
    /**
     * An element of a set.
     *
     * @param timeout how long it stays, or null for no limit
     */
    record Element(InetAddress address, @Nullable Duration timeout) {}

    /** {@code nftables} or {@code dry-run}. */
    String name();

    /** Creates the table, its sets and rules where missing; keeps the elements already there. */
    void setup() throws KernelException;

    /** Whether riposte's table exists. */
    boolean present() throws KernelException;

    /** Makes the sets hold exactly {@code elements}, in one atomic batch (the restore at start). */
    void replace(Collection<Element> elements) throws KernelException;

    /** Deletes and adds elements in one atomic batch; adding an element that is there sets its timeout. */
    void apply(Collection<Element> add, Collection<InetAddress> delete) throws KernelException;

    /** What the sets hold: each address with its time left (null when it has no timeout). */
    Map<InetAddress, Duration> list() throws KernelException;

    /** Deletes riposte's table (riposte netpolicy flush). */
    void remove() throws KernelException;

    /** The kernel refused or nft could not run; the message says which. */
    final class KernelException extends Exception {
        public KernelException(String message) {
            super(message);
        }
    }
}
