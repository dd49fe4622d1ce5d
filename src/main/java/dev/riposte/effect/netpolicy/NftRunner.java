package dev.riposte.effect.netpolicy;

import org.slf4j.Logger;

/**
 * Reaches nftables: {@link ProcessNftRunner} starts {@code nft}, {@link LibraryNftRunner} calls the library
 * it is built on inside this process. Implementations are thread-safe.
 */
public interface NftRunner {
    /**
     * Runs {@code script} as one atomic batch ({@code nft -f -}).
     *
     * @throws NftUnavailableException when nftables cannot be reached at all
     */
    Result batch(String script) throws NftUnavailableException;

    /** Runs one list command ({@code nft -j ARGS}) and returns its JSON output. */
    Result listJson(String... args) throws NftUnavailableException;

    /** How nft finished and what it printed. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The first line of stderr, or the exit code when nft printed nothing. */
        public String firstError() {
            String first = stderr.strip().lines().findFirst().orElse("");
            return first.isEmpty() ? "exit code " + exitCode : first;
        }

        /** Logs this result of {@code commands}, done by {@code what}: at DEBUG when ok, else at WARN; returns it. */
        Result logged(Logger log, String what, String commands) {
            String oneLine = commands.strip().replace('\n', ';');
            if (ok()) {
                log.debug("{} ok: {}", what, oneLine);
            } else {
                log.warn("{} failed ({}): {}", what, firstError(), oneLine);
            }
            return this;
        }
    }
}
