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
        Intake intake,
        Dispatch dispatch,
        Reactions reactions,
        Shell shell,
        Evidence evidence,
        Files files,
        NetPolicy netpolicy,
        State state,
        Kill kill,
        Emergency emergency,
        Log log,
        MetricsExport metrics) {

    public RiposteConfig {
        Objects.requireNonNull(intake);
        Objects.requireNonNull(dispatch);
        Objects.requireNonNull(reactions);
        Objects.requireNonNull(shell);
        Objects.requireNonNull(evidence);
        Objects.requireNonNull(files);
        Objects.requireNonNull(netpolicy);
        Objects.requireNonNull(state);
        Objects.requireNonNull(kill);
        Objects.requireNonNull(emergency);
        Objects.requireNonNull(log);
    }

    /**
     * @param group the group that owns the intake socket, by name or number; empty keeps the daemon's own
     * @param maxPendingBytes the most bytes all connections together may hold of lines not yet finished
     */
    public record Intake(
            Path socket,
            String group,
            List<Integer> allowUids,
            List<Integer> allowGids,
            int maxEventBytes,
            long maxPendingBytes,
            Path controlSocket,
            List<FollowedFile> files) {
        public Intake {
            allowUids = List.copyOf(allowUids);
            allowGids = List.copyOf(allowGids);
            files = List.copyOf(files);
        }
    }

    /**
     * One file of {@code intake.files}: followed like {@code tail -F}, read as a stream of JSON values.
     *
     * @param start where to begin when riposte has no saved position for it
     */
    public record FollowedFile(Path path, dev.riposte.event.FormatChoice format, Start start) {
        public FollowedFile {
            Objects.requireNonNull(path);
            Objects.requireNonNull(format);
            Objects.requireNonNull(start);
        }
    }

    /** {@code intake.files[].start}: the file's end (only what is written from now on) or its beginning. */
    public enum Start {
        END,
        BEGINNING
    }

    public enum Overflow {
        BACKPRESSURE,
        DROP
    }

    /**
     * @param queueMaxBytes the most event text (in characters, which is bytes for ASCII) admitted at once
     * @param workers size of the run pool; already resolved (0 in the file means the number of CPUs)
     */
    public record Dispatch(
            int queueCapacity, long queueMaxBytes, Overflow overflow, int workers, Duration dedupWindow) {}

    /**
     * @param maxAllocBytes bytes one run may allocate; the heap must hold one such run per worker and one
     *     more (a file checked at reload): {@link HeapBudget}
     * @param maxLogLines log lines (Info, Warn, Error, console) one run may write; the rest are counted
     * @param maxLogBytes characters of log messages one run may write; the rest are counted
     * @param warmupRuns runs of the built-in warm-up reaction after start (0: none)
     */
    public record Reactions(
            Path dir, Duration defaultTimeout, long maxAllocBytes, int maxLogLines, long maxLogBytes, int warmupRuns) {}

    /**
     * @param user the user (and its primary group) shell reactions run as, with no capabilities and in their
     *     own pid namespace; riposte must be root to switch to it
     * @param privileged run shell reactions as riposte itself, with its capabilities, instead (an explicit
     *     opt-in that riposte check reports)
     */
    public record Shell(String user, boolean privileged) {}

    /**
     * @param retention evidence older than this (by modification time) is removed by the daemon
     * @param maxBytes when the evidence directory holds more, the oldest entries are removed first
     */
    public record Evidence(Path dir, long maxFileBytes, Duration retention, long maxBytes) {}

    /**
     * @param readDeny paths (a {@code *} matches within one name) that ReadFile and Stat refuse, with
     *     everything under them, even inside {@code readRoots}
     */
    public record Files(List<Path> writeRoots, List<Path> readRoots, List<String> readDeny, long maxReadBytes) {
        public Files {
            writeRoots = List.copyOf(writeRoots);
            readRoots = List.copyOf(readRoots);
            readDeny = List.copyOf(readDeny);
        }
    }

    /**
     * @param maxKeysPerReaction keys one reaction's namespace may hold
     * @param auditRetention audit records older than this are deleted
     * @param auditMaxRecords at most this many audit records are kept (the oldest go first)
     * @param maxResultBytes the largest answer DataKeys and DataValues give; a larger one is refused
     */
    public record State(
            Path path, int maxKeysPerReaction, Duration auditRetention, long auditMaxRecords, long maxResultBytes) {}

    /** @param minPid the kill helpers refuse this pid and every lower one */
    public record Kill(long minPid) {}

    /** @param enabled whether PowerOff() and Panic() may act at all */
    public record Emergency(boolean enabled) {}

    public enum LogTarget {
        AUTO,
        JOURNAL,
        CONSOLE
    }

    /** @param target where the daemon logs: the journal, the console, or auto (the journal under systemd) */
    public record Log(LogTarget target) {}

    /**
     * @param host the address /metrics is served on, or "" when it is not served
     * @param port its port (0 when not served)
     */
    public record MetricsExport(String host, int port) {
        public boolean enabled() {
            return !host.isEmpty();
        }
    }

    public enum Backend {
        AUTO,
        NFTABLES,
        DRY_RUN,
        DISABLED
    }

    /**
     * @param neverBlock CIDRs no helper may block, as written (validated); the host's own addresses are added
     * @param nftCommand the argv that runs {@code nft}; a wrapper such as {@code ip netns exec NS nft} also works
     * @param nftInProcess whether a plain {@code nft} or {@code ip netns exec NS nft} command is replaced by
     *     libnftables inside the daemon (no process per batch)
     * @param maxBlocks the most addresses blocked at once
     * @param maxBlocksPerRun the most addresses (and domains) one run may ask to block
     * @param maxDomainAddresses the most addresses one followed domain keeps blocked (the oldest go first)
     * @param domainRefresh how often followed domains are resolved again
     * @param reconcileInterval how often the kernel sets are compared with the store and repaired
     * @param resolveTimeout how long one domain resolution may take
     */
    public record NetPolicy(
            Backend backend,
            List<String> neverBlock,
            List<String> nftCommand,
            boolean nftInProcess,
            int maxBlocks,
            int maxBlocksPerRun,
            int maxDomainAddresses,
            Duration domainRefresh,
            Duration reconcileInterval,
            Duration resolveTimeout) {
        public NetPolicy {
            neverBlock = List.copyOf(neverBlock);
            nftCommand = List.copyOf(nftCommand);
        }
    }
}
