package dev.riposte.helpers;

import dev.riposte.base.EffectResult;
import dev.riposte.base.IpLiteral;
import dev.riposte.base.Text;
import dev.riposte.effect.netpolicy.NetPolicy;
import dev.riposte.effect.netpolicy.Origin;
import dev.riposte.event.Event;
import dev.riposte.event.RemotePeers;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/** The network helpers: literal addresses and host names are checked here, then go to the netpolicy bridge. */
final class NetHelpers {
    static final List<String> NAMES = List.of("NetBlockIp", "NetUnblockIp", "NetBlockIpTimer", "NetBlockDomain");
    /** NetBlockIpTimer accepts 1 second to 365 days. */
    static final long MAX_TIMER_SECONDS = 365L * 24 * 3600;
    /** Refusals kept in the errno of a no-argument block; the rest are counted. */
    static final int MAX_REASONS = 20;
    /** Targets of a no-argument block kept in its record (the trace, the audit trail); the rest are counted. */
    static final int MAX_TARGETS = 64;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private NetHelpers() {}

    static void install(Map<String, ProxyExecutable> out, Functions f, NetPolicy net) {
        RunScope scope = f.scope();
        out.put("NetBlockIp", f.code("NetBlockIp", args -> {
            Args.count(args, 0, 1);
            if (args.length == 1) {
                String ip = Args.string(args, 0, "ip");
                return admitted(scope, ip, () -> withAddress(ip, a -> net.block(a, origin(f, "NetBlockIp"))));
            }
            Event event = f.event("addresses");
            return all(
                    scope,
                    "addresses",
                    RemotePeers.addresses(event),
                    ip -> withAddress(ip, a -> net.block(a, origin(f, "NetBlockIp"))));
        }));
        out.put("NetUnblockIp", f.code("NetUnblockIp", args -> {
            Args.count(args, 1, 1);
            return withAddress(Args.string(args, 0, "ip"), net::unblock);
        }));
        out.put("NetBlockIpTimer", f.code("NetBlockIpTimer", args -> {
            Args.count(args, 2, 2);
            String ip = Args.string(args, 0, "ip");
            long seconds = Args.integer(args, 1, "seconds");
            if (seconds < 1 || seconds > MAX_TIMER_SECONDS) {
                throw new ArgumentException(
                        "argument 2 (seconds) must be from 1 to " + MAX_TIMER_SECONDS + " (365 days), got " + seconds);
            }
            return admitted(
                    scope,
                    ip,
                    () -> withAddress(
                            ip, a -> net.blockFor(a, Duration.ofSeconds(seconds), origin(f, "NetBlockIpTimer"))));
        }));
        out.put("NetBlockDomain", f.code("NetBlockDomain", args -> {
            Args.count(args, 0, 1);
            if (args.length == 1) {
                String domain = Args.string(args, 0, "domain");
                return admitted(scope, domain, () -> withDomain(domain, net, origin(f, "NetBlockDomain"), scope));
            }
            Event event = f.event("addresses");
            return all(
                    scope,
                    "domains",
                    RemotePeers.names(event),
                    d -> withDomain(d, net, origin(f, "NetBlockDomain"), scope));
        }));
    }

    /** Asks for one block if the run may still ask for one ({@code netpolicy.max_blocks_per_run}). */
    private static EffectResult admitted(RunScope scope, String target, Supplier<EffectResult> block) {
        if (!scope.admitBlock()) {
            return EffectResult.failed("refused " + IpLiteral.quote(target) + ": a run may ask for at most "
                    + scope.limits().maxBlocks() + " blocks (netpolicy.max_blocks_per_run)");
        }
        return block.get();
    }

    private static EffectResult withAddress(String text, Function<InetAddress, EffectResult> action) {
        try {
            return action.apply(IpLiteral.parse(text));
        } catch (IllegalArgumentException e) {
            return EffectResult.failed(Text.message(e));
        }
    }

    /** Who asks: the run's reaction and event, and the helper. */
    private static Origin origin(Functions f, String helper) {
        Event event = f.scope().event();
        return new Origin(f.scope().reaction(), event == null ? "" : event.uuid(), helper);
    }

    private static EffectResult withDomain(String text, NetPolicy net, Origin origin, RunScope scope) {
        String domain = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        domain = domain.toLowerCase(Locale.ROOT);
        if (domain.length() > 253
                || domain.isEmpty()
                || !domain.contains(".")
                || !domain.chars().allMatch(c -> c < 128)) {
            return EffectResult.failed(IpLiteral.quote(text) + " is not a host name (a.b.example: ASCII labels "
                    + "joined by dots, at most 253 characters; encode IDNs as xn--)");
        }
        try {
            IpLiteral.parse(domain);
            return EffectResult.failed(IpLiteral.quote(text) + " is an IP address; use NetBlockIp");
        } catch (IllegalArgumentException notAnAddress) {
            // the expected case
        }
        for (String label : domain.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return EffectResult.failed(IpLiteral.quote(text) + " is not a host name (label \"" + label
                        + "\": letters, digits, - and _, 1 to 63 characters, no - at either end)");
            }
        }
        return net.blockDomain(domain, origin, Duration.ofNanos(Math.max(0, scope.remainingNanos())));
    }

    /**
     * Applies {@code action} to each, as far as the run's deadline and its block limit allow: 0 if any
     * changed, 1 if none did (or there were none), -1 if any failed or was not tried. The reasons are kept
     * (the first {@link #MAX_REASONS}, then a count), and so are the items left out.
     */
    private static EffectResult all(
            RunScope scope, String what, List<String> items, Function<String, EffectResult> action) {
        List<String> errors = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        int moreErrors = 0;
        boolean changed = false;
        for (int i = 0; i < items.size(); i++) {
            int left = items.size() - i;
            String item = IpLiteral.quote(items.get(i));
            if (scope.remainingNanos() <= 0) {
                errors.add(left + " more " + what + " were not blocked: the run's deadline passed");
                targets.add(left + " more: not tried (deadline)");
                break;
            }
            if (!scope.admitBlock()) {
                errors.add(left + " more " + what + " were refused, from " + item + ": a run may ask for at most "
                        + scope.limits().maxBlocks() + " blocks (netpolicy.max_blocks_per_run)");
                targets.add(left + " more, from " + item + ": not tried (max_blocks_per_run)");
                break;
            }
            EffectResult r = action.apply(items.get(i));
            if (r.failed()) {
                targets.add(item + ": refused");
                if (errors.size() < MAX_REASONS) {
                    errors.add(r.error());
                } else {
                    moreErrors++;
                }
            } else if (r.code() == 0) {
                targets.add(item + ": blocked");
                changed = true;
            } else {
                targets.add(item + ": already blocked");
            }
        }
        if (moreErrors > 0) {
            errors.add(MAX_REASONS, "and " + moreErrors + " more refusals");
        }
        if (targets.size() > MAX_TARGETS) {
            int more = targets.size() - MAX_TARGETS;
            targets.subList(MAX_TARGETS, targets.size()).clear();
            targets.add("and " + more + " more");
        }
        if (!errors.isEmpty()) {
            return EffectResult.failed(String.join("; ", errors)).withTargets(targets);
        }
        return (changed ? EffectResult.done() : EffectResult.unchanged()).withTargets(targets);
    }
}
