package dev.riposte.effect.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.riposte.base.EffectResult;
import dev.riposte.daemon.Components;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store itself: creation, schema version, WAL, reopening, refusing what it cannot trust. */
class StateStoreTest {
    @TempDir
    Path dir;

    @Test
    void newStore_isCreatedPrivate_inWalMode_atTheCurrentSchemaVersion() throws Exception {
        Path db = dir.resolve("sub/state.db");
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db.getParent())));
            assertEquals("wal", pragma(store, "journal_mode"));
            assertEquals(String.valueOf(store.schemaVersion()), pragma(store, "user_version"));
            assertEquals(4, store.schemaVersion());
        }
    }

    @Test
    void aSchemaWithAStepMissing_isRefusedBeforeTheFileIsTouched() {
        Path db = dir.resolve("state.db");
        List<StateStore.Migration> gap = List.of(
                new StateStore.Migration(1, "a", List.of("CREATE TABLE a (x)")),
                new StateStore.Migration(3, "c", List.of("CREATE TABLE c (x)")));
        assertEquals(
                "the schema has no step for version 2 of 3",
                assertThrows(IllegalArgumentException.class, () -> StateStore.open(db, gap))
                        .getMessage());
        assertFalse(Files.exists(db));
    }

    @Test
    void aFailedTransaction_isCounted_andRolledBack() throws Exception {
        Path db = dir.resolve("state.db");
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            assertEquals(0, store.errors());
            org.junit.jupiter.api.Assertions.assertThrows(
                    StoreException.class,
                    () -> store.transaction(c -> c.createStatement().execute("not sql")));
            assertEquals(1, store.errors(), "riposte_store_errors_total counts it");
        }
    }

    @Test
    void values_surviveClosingAndReopening() throws Exception {
        Path db = dir.resolve("state.db");
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            new SqliteKeyValues(store, 10).set("r", "k", "v");
        }
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            assertEquals(EffectResult.done("v"), new SqliteKeyValues(store, 10).get("r", "k"));
        }
    }

    @Test
    void aStoreFromANewerRiposte_isRefused() throws Exception {
        Path db = dir.resolve("state.db");
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            store.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA user_version = 99");
                }
                return null;
            });
        }
        StoreException e = assertThrows(StoreException.class, () -> StateStore.open(db, Components.SCHEMA));
        assertEquals("state store " + db + " has schema version 99, newer than this riposte knows (4)", e.getMessage());
    }

    @Test
    void aVersion1Store_isMigrated_keepingItsData() throws Exception {
        Path db = dir.resolve("state.db");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
                    + " PRIMARY KEY (namespace, key)) WITHOUT ROWID");
            s.execute(
                    "CREATE TABLE audit (id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, event_uuid TEXT NOT NULL,"
                            + " event_name TEXT NOT NULL, event_kind TEXT NOT NULL, reaction TEXT NOT NULL, reaction_hash TEXT NOT NULL,"
                            + " outcome TEXT NOT NULL, detail TEXT NOT NULL, duration_us INTEGER NOT NULL, calls TEXT NOT NULL)");
            s.execute("INSERT INTO kv VALUES ('r', 'k', 'kept')");
            s.execute("PRAGMA user_version = 1");
        }
        try (StateStore store = StateStore.open(db, Components.SCHEMA)) {
            assertEquals("4", pragma(store, "user_version"));
            assertEquals(EffectResult.done("kept"), new SqliteKeyValues(store, 10).get("r", "k"));
            assertEquals("0 0", store.transaction(c -> {
                try (Statement s = c.createStatement();
                        ResultSet r = s.executeQuery(
                                "SELECT (SELECT count(*) FROM blocks), (SELECT count(*) FROM intake_positions)")) {
                    return r.getString(1) + " " + r.getString(2);
                }
            }));
        }
    }

    @Test
    void aFileThatIsNotADatabase_isRefusedWithTheReason() throws Exception {
        Path db = dir.resolve("state.db");
        Files.write(db, new byte[4096]);
        Files.writeString(db, "this is not a database, just text that fills the header of the file ......");
        StoreException e = assertThrows(StoreException.class, () -> StateStore.open(db, Components.SCHEMA));
        assertTrue(e.getMessage().startsWith("cannot open the state store " + db + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("not a database"), e.getMessage());
    }

    @Test
    void aDirectoryAtThePath_isRefused() throws Exception {
        Path db = Files.createDirectory(dir.resolve("state.db"));
        assertEquals(
                "state store " + db + " is not a regular file",
                assertThrows(StoreException.class, () -> StateStore.open(db, Components.SCHEMA))
                        .getMessage());
    }

    @Test
    void aFailedUnitOfWork_isRolledBack() throws Exception {
        try (StateStore store = StateStore.open(dir.resolve("state.db"), Components.SCHEMA)) {
            SqliteKeyValues kv = new SqliteKeyValues(store, 10);
            assertThrows(
                    StoreException.class,
                    () -> store.transaction(c -> {
                        try (Statement s = c.createStatement()) {
                            s.execute("INSERT INTO kv VALUES ('r', 'half', 'done')");
                        }
                        throw new StoreException("stop here");
                    }));
            assertEquals(EffectResult.done("[]"), kv.keys("r"));
        }
    }

    private static String pragma(StateStore store, String name) throws StoreException {
        return store.transaction(c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("PRAGMA " + name)) {
                return r.getString(1);
            }
        });
    }
}
