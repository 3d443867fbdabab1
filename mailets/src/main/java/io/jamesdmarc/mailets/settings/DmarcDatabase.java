package io.jamesdmarc.mailets.settings;

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
