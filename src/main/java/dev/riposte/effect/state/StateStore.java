package dev.riposte.effect.state;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The SQLite database at {@code state.path}: one connection in WAL mode, used under a lock so that
 * every unit of work is one transaction and no two ever interleave. The schema is versioned with
 * {@code PRAGMA user_version} and migrated forward when the store is opened; each table's steps
 * ({@link Migration}) are written beside the class that owns the table, and the composition root
 * gathers them. Commits survive the process being killed (WAL, {@code synchronous=NORMAL}); a power cut may
 * lose the last ones. Thread-safe.
 */
public final class StateStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    /**
     * One step of the schema, written beside the table's owner: the statements that bring the tables of
     * {@code owner} to what the store's schema version {@code version} has. Steps are applied in version
     * order (those of one version in the order given), each version in one transaction. Never edit one
     * that shipped: add a step with the next version.
     */
    public record Migration(int version, String owner, List<String> statements) {
        public Migration {
            if (version < 1) {
                throw new IllegalArgumentException("schema versions count from 1: " + version);
            }
            statements = List.copyOf(statements);
        }
    }

    private final Path path;
    private final Connection connection;
    private final int version;
    private final ReentrantLock lock = new ReentrantLock();
    /** A full disk fails every write: the log says so once a second, not once a write. */
    private final LogLimiter failureLog = new LogLimiter(1, System::nanoTime);

    private StateStore(Path path, Connection connection, int version) {
        this.path = path;
        this.connection = connection;
        this.version = version;
    }

    /** The schema version this store has (that of {@code schema}). */
    public int schemaVersion() {
        return version;
    }

    /** The version {@code schema} reaches; refuses a schema with a version missing between 1 and it. */
    static int versionOf(List<Migration> schema) {
        int top = schema.stream().mapToInt(Migration::version).max().orElse(0);
        for (int v = 1; v <= top; v++) {
            int step = v;
            if (schema.stream().noneMatch(m -> m.version() == step)) {
                throw new IllegalArgumentException("the schema has no step for version " + v + " of " + top);
            }
        }
        return top;
    }

    /**
     * Opens (creating it, mode 0600 in a 0700 directory, if missing) and migrates the store to
     * {@code schema}: every table's steps, each given by its owner.
     */
    public static StateStore open(Path path, List<Migration> schema) throws StoreException {
        int top = versionOf(schema);
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
        return connect(file, top, () -> DriverManager.getConnection("jdbc:sqlite:" + file), c -> {
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
            migrate(c, file, schema, top);
        });
    }

    /**
     * Opens an existing store for reading only (the CLI): nothing is created or migrated, and a store
     * whose schema is not {@code schema}'s version is refused.
     */
    public static StateStore openReadOnly(Path path, List<Migration> schema) throws StoreException {
        int top = versionOf(schema);
        Path file = path.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new StoreException("there is no state store at " + file + " (state.path)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        return connect(file, top, () -> config.createConnection("jdbc:sqlite:" + file), c -> {
            int version;
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("PRAGMA user_version")) {
                version = r.getInt(1);
            }
            if (version != top) {
                throw new StoreException("state store " + file + " has schema version " + version
                        + "; this riposte reads " + top + " (start the daemon once to migrate it)");
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
    private static StateStore connect(Path file, int version, Connector connector, Preparation preparation)
            throws StoreException {
        Connection c = null;
        try {
            c = connector.connect();
            preparation.prepare(c);
            return new StateStore(file, c, version);
        } catch (SQLException e) {
            closeQuietly(c);
            throw new StoreException("cannot open the state store " + file + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void migrate(Connection c, Path file, List<Migration> schema, int top)
            throws SQLException, StoreException {
        int version;
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA user_version")) {
            version = r.getInt(1);
        }
        if (version > top) {
            throw new StoreException("state store " + file + " has schema version " + version
                    + ", newer than this riposte knows (" + top + ")");
        }
        c.setAutoCommit(false);
        try {
            for (int v = version + 1; v <= top; v++) {
                List<String> owners = new ArrayList<>();
                try (Statement s = c.createStatement()) {
                    for (Migration m : schema) {
                        if (m.version() == v) {
                            for (String sql : m.statements()) {
                                s.execute(sql);
                            }
                            owners.add(m.owner());
                        }
                    }
                    s.execute("PRAGMA user_version = " + v);
                }
                c.commit();
                LOG.info("state store {} migrated to schema version {} ({})", file, v, String.join(", ", owners));
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

    /** A unit of work that returns nothing. */
    @FunctionalInterface
    public interface Update {
        void run(Connection connection) throws SQLException, StoreException;
    }

    /** Runs {@code work} in one transaction, as {@link #transaction} does. */
    public void update(Update work) throws StoreException {
        transaction(c -> {
            work.run(c);
            return Boolean.TRUE;
        });
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

    private static void closeQuietly(@Nullable Connection c) {
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
