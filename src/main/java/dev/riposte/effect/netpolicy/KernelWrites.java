package dev.riposte.effect.netpolicy;

import java.util.Locale;

/** Told of every write to the kernel's sets and how long it took (the metrics' histogram). */
@FunctionalInterface
public interface KernelWrites {
    /** Writes are not observed. */
    KernelWrites NONE = (write, ok, nanos) -> {};

    /** Which write. */
    enum Write {
        /** Elements added and deleted in one batch: blocks, unblocks, a domain's new addresses, repaired elements. */
        UPDATE,
        /** The sets made to hold exactly riposte's blocks: the restore at start, a re-created table. */
        REPLACE;

        /** The Prometheus label value. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param ok whether the kernel took it
     * @param nanos from the call to its return (for nftables: the whole nft process)
     */
    void written(Write write, boolean ok, long nanos);
}
