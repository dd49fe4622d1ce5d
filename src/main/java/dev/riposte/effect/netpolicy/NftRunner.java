package dev.riposte.effect.netpolicy;

import java.util.ArrayList;
import java.util.List;

/** Runs {@code nft}. Implementations are thread-safe. */
public interface NftRunner {
    /**
     * Runs {@code script} as one atomic batch ({@code nft -f -}).
     *
     * @throws NftUnavailableException when the tool cannot be started at all
     */
    default Result batch(String script) throws NftUnavailableException {
        return run(List.of("-f", "-"), script);
    }

    /** Runs {@code nft -j ARGS} (a list command) and returns its JSON output. */
    default Result listJson(String... args) throws NftUnavailableException {
        List<String> argv = new ArrayList<>(List.of("-j"));
        argv.addAll(List.of(args));
        return run(argv, "");
    }

    /** Runs nft with {@code args}, writing {@code stdin} to it. */
    Result run(List<String> args, String stdin) throws NftUnavailableException;

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
