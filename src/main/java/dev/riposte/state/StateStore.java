package dev.riposte.state;

import dev.riposte.base.LogLimiter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database at {@code state.path}: one connection in WAL mode, used under a lock so that
 * every unit of work is one transaction and no two ever interleave. The schema is versioned with
 * {@code PRAGMA user_version} and migrated forward when the store is opened. Commits survive the
 * process being killed (WAL, {@code synchronous=NORMAL}); a power cut may lose the last ones. Thread-safe.
 */
public final class StateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    /** Migration N (counting from 1) takes the schema from version N-1 to N. Never edit one that shipped. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    """
            CREATE TABLE kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                             PRIMARY KEY (namespace, key)) WITHOUT ROWID""",
                    """
            CREATE TABLE audit (id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, event_uuid TEXT NOT NULL,
                                event_name TEXT NOT NULL, event_kind TEXT NOT NULL, reaction TEXT NOT NULL,
                                reaction_hash TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,
                                duration_us INTEGER NOT NULL, calls TEXT NOT NULL)""",
                    "CREATE INDEX audit_time ON audit (time_ms)",
                    "CREATE INDEX audit_reaction ON audit (reaction, time_ms)",
                    "CREATE INDEX audit_event ON audit (event_uuid)"),
            List.of("""
            CREATE TABLE blocks (address TEXT PRIMARY KEY, reaction TEXT NOT NULL, event_uuid TEXT NOT NULL,
                                 reason TEXT NOT NULL, created_ms INTEGER NOT NULL, expires_ms INTEGER)""", """
            CREATE TABLE domains (domain TEXT PRIMARY KEY, reaction TEXT NOT NULL, event_uuid TEXT NOT NULL,
                                  reason TEXT NOT NULL, created_ms INTEGER NOT NULL)"""),
            List.of("""
            CREATE TABLE intake_positions (source TEXT NOT NULL, seq INTEGER NOT NULL, device INTEGER NOT NULL,
                                           inode INTEGER NOT NULL, offset INTEGER NOT NULL,
                                           head_length INTEGER NOT NULL, head_crc INTEGER NOT NULL,
                                           handled_past TEXT NOT NULL,
                                           PRIMARY KEY (source, seq)) WITHOUT ROWID"""));

    private final Path path;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    /** A full disk fails every write: the log says so once a second, not once a write. */
    private final LogLimiter failureLog = new LogLimiter(1, System::nanoTime);

    private StateStore(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    /** The schema version this build writes. */
    public static int schemaVersion() {
        return MIGRATIONS.size();
    }

    /** Opens (creating it, mode 0600 in a 0700 directory, if missing) and migrates the store. */
    public static StateStore open(Path path) throws StoreException {
        Path file = path.toAbsolutePath();
        try {
            Path dir = file.getParent();
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new StoreException("state store " + file + " is not a regular file");
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the state store " + file + ": " + e.getMessage(), e);
        }
        return connect(file, () -> DriverManager.getConnection("jdbc:sqlite:" + file), c -> {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                try (ResultSet check = s.executeQuery("PRAGMA quick_check")) {
                    String result = check.next() ? check.getString(1) : "no answer";
                    if (!"ok".equals(result)) {
                        throw new StoreException("state store " + file + " is damaged: " + result);
                    }
                }
            }
            migrate(c, file);
        });
    }

    /**
     * Opens an existing store for reading only (the CLI): nothing is created or migrated, and a store
     * whose schema this build does not know is refused.
     */
    public static StateStore openReadOnly(Path path) throws StoreException {
        Path file = path.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new StoreException("there is no state store at " + file + " (state.path)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        return connect(file, () -> config.createConnection("jdbc:sqlite:" + file), c -> {
            int version;
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.getInt(1);
            }
            if (version != MIGRATIONS.size()) {
                throw new StoreException("state store " + file + " has schema version " + version
                        + "; this riposte reads " + MIGRATIONS.size() + " (start the daemon once to migrate it)");
            }
        });
    }

    private interface Connector {
        Connection connect() throws SQLException;
    }

    private interface Preparation {
        void prepare(Connection c) throws SQLException, StoreException;
    }

    /** Opens a connection and prepares it; on any failure the connection is closed and the reason given. */
    private static StateStore connect(Path file, Connector connector, Preparation preparation) throws StoreException {
        Connection c = null;
        try {
            c = connector.connect();
            preparation.prepare(c);
            return new StateStore(file, c);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("cannot open the state store " + file + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void migrate(Connection c, Path file) throws SQLException, StoreException {
        int version;
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA user_version")) {
            version = r.getInt(1);
        }
        if (version > MIGRATIONS.size()) {
            throw new StoreException("state store " + file + " has schema version " + version
                    + ", newer than this riposte knows (" + MIGRATIONS.size() + ")");
        }
        c.setAutoCommit(false);
        try {
            for (int v = version; v < MIGRATIONS.size(); v++) {
                try (Statement s = c.createStatement()) {
                    for (String sql : MIGRATIONS.get(v)) {
                        s.execute(sql);
                    }
                    s.execute("PRAGMA user_version = " + (v + 1));
                }
                c.commit();
                LOG.info("state store {} migrated to schema version {}", file, v + 1);
            }
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    public Path path() {
        return path;
    }

    /** A unit of work on the connection, run as one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException, StoreException;
    }

    /** Transactions that failed on an SQLite error since the store was opened. */
    public long errors() {
        return errors.sum();
    }

    private final java.util.concurrent.atomic.LongAdder errors = new java.util.concurrent.atomic.LongAdder();

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     * SQLite errors (a full disk, a damaged file) come back as a StoreException saying so.
     */
    public <T> T transaction(Work<T> work) throws StoreException {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException e) {
            rollback();
            errors.increment();
            long held = failureLog.admit();
            if (held >= 0) {
                LOG.error(
                        "state store {}: {}{}",
                        path,
                        e.getMessage(),
                        held > 0 ? " (" + held + " more failures not logged)" : "");
            }
            throw new StoreException("state store: " + e.getMessage(), e);
        } catch (StoreException | RuntimeException e) {
            rollback();
            throw e;
        } finally {
            restoreAutoCommit();
            lock.unlock();
        }
    }

    /**
     * Undoes the failed unit of work. SQLite may already have rolled it back by itself (it does on a
     * full disk), in which case there is nothing left to undo and the error is of no interest.
     */
    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("state store: rollback: {}", e.getMessage());
        }
    }

    private void restoreAutoCommit() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            LOG.debug("state store: back to autocommit: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("state store: close failed: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
