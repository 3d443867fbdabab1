package io.jamesdmarc.mailets.settings;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.DatabaseUnavailableException;

/**
 * A mailet's handle on the DMARC database, opened when first needed and again after each failure:
 * a database that is down when James starts is not bad configuration, so James starts, and every
 * mail that needs the database tries again (and fails, for James to retry it, while it is down).
 *
 * <p>All the plugin's mailets in one James share one connection pool per database URL and user
 * ({@link Database#shared}), closed when the last of them is destroyed. Thread-safe.
 */
public final class DmarcDatabase implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(DmarcDatabase.class);
    /** Connections kept idle by the pool (two), plus one: enough to get past those a restart broke. */
    static final int MAX_ATTEMPTS = 3;

    private final DatabaseConfig config;
    private final String user;
    private volatile Database database;
    private boolean closed;

    /** @param user who uses it, for logs: the mailet's name */
    public DmarcDatabase(DatabaseConfig config, String user) {
        this.config = Objects.requireNonNull(config, "config");
        this.user = Objects.requireNonNull(user, "user");
    }

    /**
     * Opens the database now if it can: what {@code init()} calls, so that the schema is migrated
     * and the operator sees the outcome at start-up. A failure is logged, not thrown.
     *
     * @return whether the database is open
     */
    public boolean tryOpen() {
        try {
            get();
            return true;
        } catch (DatabaseUnavailableException e) {
            LOGGER.warn("{}: the DMARC database is not available at start-up; every mail that needs it will try again, "
                + "and fail for James to retry it while the database stays down: {}", user, e.getMessage());
            return false;
        }
    }

    /**
     * The open database, opening it (and migrating its schema) when not open yet.
     *
     * @throws DatabaseUnavailableException it cannot be reached now; the message names the URL and user, never the password
     */
    public Database get() throws DatabaseUnavailableException {
        Database open = database;
        if (open != null) {
            return open;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(user + " was destroyed: its DMARC database is closed");
            }
            if (database == null) {
                database = Database.shared(config);
            }
            return database;
        }
    }

    /** Work done with the database, as one unit that may be done again. */
    @FunctionalInterface
    public interface Work<T, X extends Exception> {
        T run(Database database) throws SQLException, X;
    }

    /**
     * Does {@code work}, again when it failed on a connection the pool handed out broken (the
     * database restarted, a firewall cut idle connections: the pool notices only on use), up to
     * {@value #MAX_ATTEMPTS} times. Only for work that is safe to repeat, as storing reports is.
     * A database that cannot be reached fails at once, with no more waiting than the pool's own.
     *
     * @throws SQLException the database failed (for James to retry the mail later)
     */
    public <T, X extends Exception> T call(Work<T, X> work) throws SQLException, X {
        for (int attempt = 1; ; attempt++) {
            Database open = get();
            try {
                return work.run(open);
            } catch (SQLException e) {
                if (attempt >= MAX_ATTEMPTS || !brokenConnection(e)) {
                    throw e;
                }
                LOGGER.info("{}: a pooled connection to the DMARC database was broken ({}); trying again", user, e.getMessage());
            }
        }
    }

    /** A connection that failed in use: the pool discards it, and another one may well work. */
    static boolean brokenConnection(SQLException error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException) {
                return false; // the pool found no working connection in its time: the database is down
            }
            if (cause instanceof SQLNonTransientConnectionException || cause instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    public DatabaseConfig config() {
        return config;
    }

    /** Leaves the shared pool (closed with its last user). */
    @Override
    public synchronized void close() {
        closed = true;
        if (database != null) {
            database.close();
            database = null;
        }
    }
}
