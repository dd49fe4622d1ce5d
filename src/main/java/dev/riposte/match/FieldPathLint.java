package dev.riposte.match;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds, without running anything, the places where a reaction reads an event field the way Jibril's
 * documentation writes it but real Jibril v1 events do not have it (see docs/jibril-compat.md): in the
 * JavaScript of a reaction, and in the {@code jq} paths of a shell reaction. Such a reaction runs, but
 * reads {@code undefined} (jq: {@code null}) or throws a TypeError (jq: "Cannot iterate"). Thread-safe
 * (stateless).
 */
public final class FieldPathLint {
    /** One doc-only path and what the events really hold. */
    private record Rule(Pattern pattern, String message) {}

    private static final String PAIRS = "background.flows.protocols[].pairs is only in the legacy flows aggregate; "
            + "current events list their peers in background.flow_list[] (.remote.address, .remote.names), and "
            + "NetBlockIp() and NetBlockDomain() without arguments read both";
    private static final String CMD = "process.cmd is the short command name, not an argument vector; the whole "
            + "command line is process.args (a string)";

    private static final List<Rule> RULES = List.of(
            new Rule(
                    Pattern.compile("\\bfile\\.file\\b"),
                    "file.file is not in Jibril v1 events (it existed until ashkaal v0.1.1); the path is file.path"),
            new Rule(
                    Pattern.compile("\\bdata\\.base\\b|\\bbase\\.background\\b"),
                    "events have no base key (Base is flattened into the event); use data.background"),
            new Rule(
                    Pattern.compile("\\bactions\\.join\\s*\\("),
                    "file.actions is an object in v1 events; the list of actions is file.actions.actions"),
            new Rule(Pattern.compile("\\bargs\\.join\\s*\\("), "process.args is a string in v1 events, not an array"),
            new Rule(
                    Pattern.compile("\\bprotocol\\.name\\b"), "the flows aggregate names its protocol proto, not name"),
            new Rule(Pattern.compile("\\bprotocols\\b.*\\bpairs\\b|\\.pairs\\b"), PAIRS),
            new Rule(Pattern.compile("\\bprocess\\.cmd\\s*(\\.split\\s*\\(|\\[)"), CMD));
    /** The same paths as a shell reaction's jq filters write them. */
    private static final List<Rule> JQ_RULES = List.of(
            new Rule(
                    Pattern.compile("\\.file\\.file\\b"),
                    "file.file is not in Jibril v1 events (it existed until ashkaal v0.1.1); the path is .file.path"),
            new Rule(
                    Pattern.compile("\\.base\\.(background|ancestry|flows)\\b"),
                    "events have no base key (Base is flattened into the event); use .background"),
            new Rule(
                    Pattern.compile("\\.file\\.actions\\s*\\[\\s*\\]"),
                    "file.actions is an object in v1 events; the list of actions is .file.actions.actions[]"),
            new Rule(
                    Pattern.compile("\\.process\\.args\\s*\\["),
                    "process.args is a string in v1 events, not an array (jq: Cannot iterate over string)"),
            new Rule(Pattern.compile("\\.protocols\\s*\\[\\s*\\]\\s*\\.pairs|\\.pairs\\s*\\["), PAIRS),
            new Rule(Pattern.compile("\\.process\\.cmd\\s*\\|\\s*(split|ltrimstr|test)\\b"), CMD));

    private static final Pattern NETWORK =
            Pattern.compile("\\b(NetBlockIp|NetUnblockIp|NetBlockIpTimer|NetBlockDomain)\\s*\\(");
    private static final Pattern EMERGENCY = Pattern.compile("\\b(PowerOff|Panic)\\s*\\(");

    private FieldPathLint() {}

    /** A finding at a line of the reaction's code (1-based). */
    public record Finding(int line, String message) {}

    public static List<Finding> lint(Reaction reaction) {
        List<Finding> out = new ArrayList<>();
        List<Rule> rules = reaction.code() instanceof Code.Js ? RULES : JQ_RULES;
        List<String> lines = reaction.code().text().lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            for (Rule rule : rules) {
                if (rule.pattern().matcher(lines.get(i)).find()) {
                    out.add(new Finding(i + 1, rule.message()));
                }
            }
        }
        return out;
    }

    /** Whether the reaction calls a network helper. */
    public static boolean callsNetworkHelpers(Reaction reaction) {
        return NETWORK.matcher(reaction.code().text()).find();
    }

    /** Whether the reaction calls PowerOff or Panic. */
    public static boolean callsEmergencyHelpers(Reaction reaction) {
        return EMERGENCY.matcher(reaction.code().text()).find();
    }
}
