package dev.riposte.effect.netpolicy;

/** Runs one {@code nft -f -} batch. Implementations are thread-safe. */
public interface NftRunner {
    /**
     * Runs {@code script} as one atomic batch ({@code json} adds {@code -j} for list commands).
     *
     * @throws NftUnavailableException when the tool cannot be started at all
     */
    Result run(String script, boolean json) throws NftUnavailableException;

    /** How {@code nft} exited and what it printed. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The first line of stderr, or the exit code when nft printed nothing. */
        public String firstError() {
            String first = stderr.strip().lines().findFirst().orElse("");
            return first.isEmpty() ? "exit code " + exitCode : first;
        }
    }
}
