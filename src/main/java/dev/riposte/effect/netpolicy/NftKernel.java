package dev.riposte.effect.netpolicy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.riposte.base.IpLiteral;
import dev.riposte.base.Text;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * riposte's nftables table: {@code table inet riposte} with sets {@code block4} and {@code block6}
 * ({@code flags timeout}) and drop rules on input, output and forward. It never touches another table.
 * Every change is one {@code nft -f -} batch. Thread-safe (stateless apart from the runner).
 */
public final class NftKernel implements Kernel {
    public static final String TABLE = "riposte";
    /** Elements per {@code add element} statement in a restore (nft parses long lists fastest). */
    static final int CHUNK = 1000;

    /** Creates what is missing, and rewrites our chains' rules (flush + add) so they never pile up. */
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

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NftRunner nft;

    public NftKernel(NftRunner nft) {
        this.nft = nft;
    }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public void setup() throws KernelException {
        batch(SETUP);
    }

    @Override
    public boolean present() throws KernelException {
        NftRunner.Result r = run(() -> nft.listJson("list", "tables"));
        if (!r.ok()) {
            throw new KernelException(explain(r));
        }
        try {
            for (JsonNode item : JSON.readTree(r.stdout()).path("nftables")) {
                JsonNode table = item.path("table");
                if (table.path("family").asText().equals("inet")
                        && table.path("name").asText().equals(TABLE)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new KernelException("cannot read nft's list of tables: " + e.getMessage());
        }
    }

    @Override
    public void replace(Collection<Element> elements) throws KernelException {
        StringBuilder script =
                new StringBuilder(SETUP).append("flush set inet riposte block4\nflush set inet riposte block6\n");
        List<Element> v4 = new ArrayList<>();
        List<Element> v6 = new ArrayList<>();
        elements.forEach(e -> (e.address() instanceof Inet4Address ? v4 : v6).add(e));
        addChunks(script, "block4", v4);
        addChunks(script, "block6", v6);
        batch(script.toString());
    }

    private static void addChunks(StringBuilder script, String set, List<Element> elements) {
        for (int i = 0; i < elements.size(); i += CHUNK) {
            script.append("add element inet riposte ").append(set).append(" { ");
            List<Element> chunk = elements.subList(i, Math.min(elements.size(), i + CHUNK));
            for (int j = 0; j < chunk.size(); j++) {
                script.append(j == 0 ? "" : ", ").append(element(chunk.get(j)));
            }
            script.append(" }\n");
        }
    }

    private static String element(Element e) {
        return IpLiteral.format(e.address()) + (e.timeout() == null ? "" : " timeout " + seconds(e.timeout()) + "s");
    }

    /** Whole seconds, rounded up (a block never ends early), at least 1. */
    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static String set(InetAddress a) {
        return a instanceof Inet4Address ? "block4" : "block6";
    }

    @Override
    public void apply(Collection<Element> add, Collection<InetAddress> delete) throws KernelException {
        StringBuilder script = new StringBuilder();
        for (InetAddress a : delete) {
            script.append("delete element inet riposte ")
                    .append(set(a))
                    .append(" { ")
                    .append(IpLiteral.format(a))
                    .append(" }\n");
        }
        for (Element e : add) {
            script.append("add element inet riposte ")
                    .append(set(e.address()))
                    .append(" { ")
                    .append(element(e))
                    .append(" }\n");
        }
        if (!script.isEmpty()) {
            batch(script.toString());
        }
    }

    @Override
    public Map<InetAddress, Duration> list() throws KernelException {
        Map<InetAddress, Duration> out = new HashMap<>();
        for (String set : List.of("block4", "block6")) {
            NftRunner.Result r = run(() -> nft.listJson("list", "set", "inet", TABLE, set));
            if (!r.ok()) {
                throw new KernelException("cannot list set " + set + ": " + explain(r));
            }
            try {
                for (JsonNode item : JSON.readTree(r.stdout()).path("nftables")) {
                    for (JsonNode elem : item.path("set").path("elem")) {
                        if (elem.isTextual()) {
                            out.put(IpLiteral.parse(elem.asText()), null);
                        } else {
                            JsonNode e = elem.path("elem");
                            Duration left = e.has("expires")
                                    ? Duration.ofSeconds(e.path("expires").asLong())
                                    : e.has("timeout")
                                            ? Duration.ofSeconds(
                                                    e.path("timeout").asLong())
                                            : null;
                            out.put(IpLiteral.parse(e.path("val").asText()), left);
                        }
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new KernelException("cannot read set " + set + " from nft's output: " + e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void remove() throws KernelException {
        if (present()) {
            batch("delete table inet riposte\n");
        }
    }

    private void batch(String script) throws KernelException {
        NftRunner.Result r = run(() -> nft.batch(script));
        if (!r.ok()) {
            throw new KernelException(explain(r));
        }
    }

    @FunctionalInterface
    private interface Call {
        NftRunner.Result run() throws NftUnavailableException;
    }

    private static NftRunner.Result run(Call call) throws KernelException {
        try {
            return call.run();
        } catch (NftUnavailableException e) {
            throw new KernelException(Text.message(e));
        }
    }

    static String explain(NftRunner.Result result) {
        if (result.stderr().contains("Operation not permitted")) {
            return "nft is not permitted to change the firewall (riposte needs CAP_NET_ADMIN): " + result.firstError();
        }
        return "nft failed: " + result.firstError();
    }
}
