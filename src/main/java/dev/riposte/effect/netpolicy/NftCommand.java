package dev.riposte.effect.netpolicy;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code netpolicy.nft_command} read for what it means: which network namespace it applies the rules in,
 * and whether it is the plain {@code nft} that the library can stand in for.
 *
 * @param argv the command as configured
 */
record NftCommand(List<String> argv) {
    NftCommand {
        argv = List.copyOf(argv);
    }

    /** The namespace {@code ip netns exec NAME ...} enters, or null for riposte's own. */
    @Nullable
    String namespace() {
        boolean ipNetnsExec = argv.size() >= 5
                && (argv.get(0).equals("ip") || argv.get(0).endsWith("/ip"))
                && argv.get(1).equals("netns")
                && argv.get(2).equals("exec");
        return ipNetnsExec ? argv.get(3) : null;
    }

    /**
     * Whether the command is {@code nft} as found on PATH, alone or as {@code ip netns exec NAME nft}: then
     * libnftables in this process does the same. Anything else (a path, a wrapper script, arguments) is
     * the operator's choice of program and is run as written.
     */
    boolean plainNft() {
        return argv.equals(List.of("nft"))
                || (namespace() != null && argv.size() == 5 && argv.get(4).equals("nft"));
    }
}
