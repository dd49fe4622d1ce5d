package dev.riposte.effect.netpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.riposte.base.IpLiteral;
import dev.riposte.daemon.Components;
import dev.riposte.effect.state.StateStore;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blocks table in a real SQLite store: what is saved comes back, and a store from before the domain column gains it. */
class SqliteBlockStoreTest {
    @TempDir
    Path dir;

    static final Origin HELPER = new Origin("r", "u1", "NetBlockIp");
    static final Origin DOMAIN = new Origin("r", "u2", "domain evil.example");

    @Test
    void aBlock_keepsItsDomain_acrossClosingAndReopening() throws Exception {
        Path db = dir.resolve("state.db");
        Instant t = Instant.ofEpochMilli(1_700_000_000_000L);
        Block plain = new Block(IpLiteral.parse("203.0.113.1"), HELPER, t, null);
        Block resolved =
                new Block(IpLiteral.parse("2001:db8::1"), "evil.example", DOMAIN, t.plusMillis(1), t.plusSeconds(60));
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            new SqliteBlockStore(store).saveAll(List.of(plain, resolved));
        }
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            assertEquals(List.of(plain, resolved), new SqliteBlockStore(store).blocks());
        }
    }

    @Test
    void aStoreFromBeforeTheDomainColumn_learnsEachBlocksDomainFromItsReason() throws Exception {
        Path db = dir.resolve("state.db");
        List<StateStore.Migration> version3 =
                Components.SCHEMA.stream().filter(m -> m.version() <= 3).toList();
        try (StateStore store = StateStore.open(db, version3)) {
            store.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO blocks VALUES ('203.0.113.1', 'r', 'u1', 'NetBlockIp', 1000, NULL)");
                    s.execute(
                            "INSERT INTO blocks VALUES ('2001:db8::1', 'r', 'u2', 'domain evil.example', 1001, 61000)");
                }
                return null;
            });
        }
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            assertEquals(4, store.schemaVersion());
            assertEquals(
                    List.of(
                            new Block(IpLiteral.parse("203.0.113.1"), "", HELPER, Instant.ofEpochMilli(1000), null),
                            new Block(
                                    IpLiteral.parse("2001:db8::1"),
                                    "evil.example",
                                    DOMAIN,
                                    Instant.ofEpochMilli(1001),
                                    Instant.ofEpochMilli(61000))),
                    new SqliteBlockStore(store).blocks());
        }
    }
}
