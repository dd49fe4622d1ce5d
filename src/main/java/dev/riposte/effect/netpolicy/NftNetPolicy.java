package dev.riposte.effect.netpolicy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.effect.EffectResult;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces blocks with nftables. riposte owns {@code table inet riposte} (sets {@code block4} and
 * {@code block6} with {@code flags timeout}, drop rules on input, output and forward) and never
 * touches any other table. Setting the table up is idempotent and keeps existing elements, so blocks
 * stay in force across restarts. Thread-safe: changes are serialized.
 */
public final class NftNetPolicy implements NetPolicy {
    public static final String TABLE = "riposte";
    private static final Logger LOG = LoggerFactory.getLogger(NftNetPolicy.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One atomic batch: create what is missing, and rewrite our chains' rules (flush + add) so they never pile up. */
    static final String SETUP = """
            add table inet riposte
            add set inet riposte block4 { type ipv4_addr; flags timeout; }
            add set inet riposte block6 { type ipv6_addr; flags timeout; }
            add chain inet riposte input { type filter hook input priority filter - 10; policy accept; }
            add chain inet riposte output { type filter hook output priority filter - 10; policy accept; }
            add chain inet riposte forward { type filter hook forward priority filter - 10; policy accept; }
            flush chain inet riposte input
            flush chain inet riposte output
            flush chain inet riposte forward
            add rule inet riposte input ip saddr @block4 drop
            add rule inet riposte input ip6 saddr @block6 drop
            add rule inet riposte output ip daddr @block4 drop
            add rule inet riposte output ip6 daddr @block6 drop
            add rule inet riposte forward ip saddr @block4 drop
            add rule inet riposte forward ip daddr @block4 drop
            add rule inet riposte forward ip6 saddr @block6 drop
            add rule inet riposte forward ip6 daddr @block6 drop
            """;

    private final NftRunner nft;
    /** Address to the end of its block ({@link Instant#MAX}: no time limit), as far as riposte knows. */
    private final Map<InetAddress, Instant> blocked = new HashMap<>();

    private NftNetPolicy(NftRunner nft) {
        this.nft = nft;
    }

    /**
     * Sets up the table and reads the addresses it already blocks.
     *
     * @throws NftUnavailableException with the reason nftables cannot be used
     */
    public static NftNetPolicy start(NftRunner nft) throws NftUnavailableException {
        NftRunner.Result setup = nft.batch(SETUP);
        if (!setup.ok()) {
            throw new NftUnavailableException(explain(setup));
        }
        NftNetPolicy policy = new NftNetPolicy(nft);
        policy.readElements("block4").forEach(a -> policy.blocked.put(a, Instant.MAX));
        policy.readElements("block6").forEach(a -> policy.blocked.put(a, Instant.MAX));
        LOG.info("netpolicy: nftables table inet {} ready, {} addresses blocked", TABLE, policy.blocked.size());
        return policy;
    }

    static String explain(NftRunner.Result result) {
        if (result.stderr().contains("Operation not permitted")) {
            return "nft is not permitted to change the firewall (riposte needs CAP_NET_ADMIN): " + result.firstError();
        }
        return "nft failed: " + result.firstError();
    }

    private boolean isBlocked(InetAddress address) {
        Instant until = blocked.get(address);
        return until != null && until.isAfter(Instant.now());
    }

    @Override
    public synchronized EffectResult block(InetAddress address) {
        Instant until = blocked.get(address);
        if (Instant.MAX.equals(until)) {
            return EffectResult.unchanged();
        }
        // A running timer is replaced by the permanent block in one batch.
        String script = (isBlocked(address) ? element("delete", address, "") : "") + element("add", address, "");
        EffectResult result = apply(script);
        if (!result.failed()) {
            blocked.put(address, Instant.MAX);
            LOG.info("netpolicy: blocked {}", address.getHostAddress());
        }
        return result;
    }

    @Override
    public synchronized EffectResult blockFor(InetAddress address, Duration duration) {
        if (Instant.MAX.equals(blocked.get(address))) {
            return EffectResult.unchanged();
        }
        String timeout = " timeout " + Math.max(1, duration.toSeconds()) + "s";
        String script = (isBlocked(address) ? element("delete", address, "") : "") + element("add", address, timeout);
        EffectResult result = apply(script);
        if (!result.failed()) {
            blocked.put(address, Instant.now().plus(duration));
            LOG.info("netpolicy: blocked {} for {} s", address.getHostAddress(), duration.toSeconds());
        }
        return result;
    }

    /** Following domains with nftables is the netpolicy issue's work; until then it is refused, never faked. */
    @Override
    public EffectResult blockDomain(String domain) {
        return EffectResult.failed("the nftables backend does not follow domains yet; NetBlockDomain works with "
                + "netpolicy.backend dry-run only");
    }

    @Override
    public synchronized EffectResult unblock(InetAddress address) {
        if (!isBlocked(address)) {
            blocked.remove(address);
            return EffectResult.unchanged();
        }
        EffectResult result = apply(element("delete", address, ""));
        if (!result.failed()) {
            blocked.remove(address);
            LOG.info("netpolicy: unblocked {}", address.getHostAddress());
        }
        return result;
    }

    @Override
    public synchronized NetPolicyStatus status() {
        int active = (int) blocked.keySet().stream().filter(this::isBlocked).count();
        return new NetPolicyStatus("nftables", true, "table inet " + TABLE + " is managed with nft", active);
    }

    private static String element(String verb, InetAddress address, String options) {
        String set = address instanceof Inet4Address ? "block4" : "block6";
        return verb + " element inet " + TABLE + " " + set + " { " + address.getHostAddress() + options + " }\n";
    }

    private EffectResult apply(String script) {
        try {
            NftRunner.Result result = nft.batch(script);
            return result.ok() ? EffectResult.done() : EffectResult.failed(explain(result));
        } catch (NftUnavailableException e) {
            return EffectResult.failed(e.getMessage());
        }
    }

    private Set<InetAddress> readElements(String set) throws NftUnavailableException {
        NftRunner.Result list = nft.listJson("list", "set", "inet", TABLE, set);
        if (!list.ok()) {
            throw new NftUnavailableException("cannot list set " + set + ": " + list.firstError());
        }
        Set<InetAddress> out = new HashSet<>();
        try {
            for (JsonNode item : JSON.readTree(list.stdout()).path("nftables")) {
                for (JsonNode elem : item.path("set").path("elem")) {
                    String value = elem.isTextual() ? elem.asText() : elem.path("elem").path("val").asText();
                    out.add(IpLiteral.parse(value));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new NftUnavailableException("cannot read set " + set + " from nft's output: " + e.getMessage());
        }
        return out;
    }
}
