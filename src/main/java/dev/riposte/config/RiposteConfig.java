package dev.riposte.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The whole configuration. Every section has the defaults documented in {@code config/riposte.yaml},
 * which is what an empty file gives.
 */
public record RiposteConfig(
        Intake intake, Dispatch dispatch, Reactions reactions, Evidence evidence, Files files, NetPolicy netpolicy) {

    public RiposteConfig {
        Objects.requireNonNull(intake);
        Objects.requireNonNull(dispatch);
        Objects.requireNonNull(reactions);
        Objects.requireNonNull(evidence);
        Objects.requireNonNull(files);
        Objects.requireNonNull(netpolicy);
    }

    /**
     * @param group the group that owns the intake socket, by name or number; empty keeps the daemon's own
     */
    public record Intake(Path socket, String group, List<Integer> allowUids, List<Integer> allowGids,
                         int maxEventBytes, Path controlSocket) {
        public Intake {
            allowUids = List.copyOf(allowUids);
            allowGids = List.copyOf(allowGids);
        }
    }

    public enum Overflow { BACKPRESSURE, DROP }

    /**
     * @param queueMaxBytes the most event text (in characters, which is bytes for ASCII) admitted at once
     * @param workers size of the run pool; already resolved (0 in the file means the number of CPUs)
     */
    public record Dispatch(int queueCapacity, long queueMaxBytes, Overflow overflow, int workers, Duration dedupWindow) {}

    public record Reactions(Path dir, Duration defaultTimeout, long maxAllocBytes) {}

    public record Evidence(Path dir, long maxFileBytes) {}

    public record Files(List<Path> writeRoots) {
        public Files {
            writeRoots = List.copyOf(writeRoots);
        }
    }

    public enum Backend { AUTO, NFTABLES, DRY_RUN, DISABLED }

    /**
     * @param neverBlock CIDRs no helper may block, as written (validated)
     * @param nftCommand the argv that runs {@code nft}; a wrapper such as {@code ip netns exec NS nft} also works
     */
    public record NetPolicy(Backend backend, List<String> neverBlock, List<String> nftCommand) {
        public NetPolicy {
            neverBlock = List.copyOf(neverBlock);
            nftCommand = List.copyOf(nftCommand);
        }
    }
}
