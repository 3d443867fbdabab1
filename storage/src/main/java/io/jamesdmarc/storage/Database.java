package io.jamesdmarc.storage;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.reporting.DashboardQueries;
import io.jamesdmarc.storage.reporting.DashboardSummaries;
import io.jamesdmarc.storage.reporting.ReportingQueries;
import io.jamesdmarc.storage.ingest.StoredReports;

/**
 * The DMARC database: a connection pool whose schema is brought up to date when it opens.
 *
 * <p>{@link #open} gives a pool of one's own; {@link #shared} gives every caller in the JVM the same
 * pool for a URL and user (the mailets of one James server share it), closed when the last caller
 * closes its handle. Closing a handle twice is harmless.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(Database.class);

    /**
     * Every connection: UTC (DATETIME columns hold UTC), and a fixed sql_mode so that our SQL means
     * the same on every server, and a value too long for its column is an error, never a silent cut.
     */
    static final String SESSION_SETUP = "SET SESSION time_zone = '+00:00', "
        + "SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'";

    private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
    private static final AtomicInteger POOL_NUMBER = new AtomicInteger();
    private static final Map<String, Pool> SHARED = new HashMap<>();

    private final Pool pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Database(Pool pool) {
        this.pool = pool;
    }

    /**
     * Opens a pool of one's own, checks that the database answers and migrates its schema.
     *
     * @throws DatabaseUnavailableException the database cannot be reached or migrated; the message names the URL, never the password
     */
    public static Database open(DatabaseConfig config) throws DatabaseUnavailableException {
        return new Database(Pool.start(config, null));
    }

    /** The JVM's one pool for this URL and user, opened (and migrated) by the first caller. */
    public static Database shared(DatabaseConfig config) throws DatabaseUnavailableException {
        String key = config.url() + "\u0000" + config.user();
        synchronized (SHARED) {
            Pool pool = SHARED.get(key);
            if (pool == null) {
                pool = Pool.start(config, key);
                SHARED.put(key, pool);
            } else {
                if (!pool.config.password().equals(config.password()) || pool.config.poolSize() != config.poolSize()) {
                    LOGGER.warn("DMARC database {} is already open in this JVM with pool size {}: reusing that pool (asked: pool size {}, "
                        + "{} password)", config.redactedUrl(), pool.config.poolSize(), config.poolSize(),
                        pool.config.password().equals(config.password()) ? "same" : "another");
                }
            }
            pool.users++;
            return new Database(pool);
        }
    }

    public DataSource dataSource() {
        return pool.dataSource;
    }

    public DatabaseConfig config() {
        return pool.config;
    }

    /** Stores what arrives: received messages, aggregate and failure reports, rejected inputs. */
    public ReportStore reportStore() {
        return new ReportStore(pool.dataSource);
    }

    /** The figures operators ask for (queries.sql). */
    public ReportingQueries reportingQueries() {
        return new ReportingQueries(pool.dataSource);
    }

    /** What the HTTP API and the dashboard show: domains, reports, summaries, sources, failures. */
    public DashboardQueries dashboardQueries() {
        return new DashboardQueries(pool.dataSource);
    }

    /** Adds stored reports to the summaries the dashboard queries read ({@code dmarc serve} does). */
    public DashboardSummaries dashboardSummaries() {
        return new DashboardSummaries(pool.dataSource);
    }

    /** Reads stored reports back as model objects. */
    public StoredReports storedReports() {
        return new StoredReports(pool.dataSource);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.release();
        }
    }

    /** One Hikari pool, possibly shared by several handles. */
    private static final class Pool {
        private final DatabaseConfig config;
        private final HikariDataSource dataSource;
        private final String sharedKey;
        private int users;

        private Pool(DatabaseConfig config, HikariDataSource dataSource, String sharedKey) {
            this.config = config;
            this.dataSource = dataSource;
            this.sharedKey = sharedKey;
        }

        static Pool start(DatabaseConfig config, String sharedKey) throws DatabaseUnavailableException {
            HikariDataSource dataSource = connect(config);
            try {
                SchemaMigrations.migrate(dataSource, config);
            } catch (DatabaseUnavailableException e) {
                dataSource.close();
                throw e;
            }
            LOGGER.info("DMARC database {} open (user {}, pool size {})", config.redactedUrl(), config.user(), config.poolSize());
            return new Pool(config, dataSource, sharedKey);
        }

        void release() {
            if (sharedKey != null) {
                synchronized (SHARED) {
                    if (--users > 0) {
                        return;
                    }
                    SHARED.remove(sharedKey);
                }
            }
            dataSource.close();
            LOGGER.info("DMARC database {} closed", config.redactedUrl());
        }
    }

    private static HikariDataSource connect(DatabaseConfig config) throws DatabaseUnavailableException {
        HikariConfig hikari = new HikariConfig();
        // named, so that the driver is found in James's extension class loader, where DriverManager may not look
        hikari.setDriverClassName("org.mariadb.jdbc.Driver");
        hikari.setJdbcUrl(config.url());
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setPoolName("james-dmarc-db-" + POOL_NUMBER.incrementAndGet());
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        hikari.setConnectionInitSql(SESSION_SETUP);
        // a stored report's duplicate check must see what other transactions committed meanwhile
        hikari.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        Properties driver = new Properties();
        // batched INSERTs go to the server in MariaDB's bulk protocol: about 80,000 records a second
        // against 16,000 sent one by one (./bench store); the driver's default, made explicit
        driver.setProperty("useBulkStmtsForInserts", "true");
        hikari.setDataSourceProperties(driver);
        try {
            return new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DatabaseUnavailableException("cannot connect to the DMARC database at " + config.redactedUrl()
                + " as user '" + config.user() + "': " + config.redact(rootMessage(cause))
                + " (check " + DatabaseConfig.KEY_URL + ", " + DatabaseConfig.KEY_USER + " and " + DatabaseConfig.KEY_PASSWORD
                + ", and that MariaDB runs there)", Redacted.copy(cause, config));
        }
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
    }

    /** Builds exception copies whose messages hold no password, keeping the stack traces. */
    static final class Redacted {
        private Redacted() {
        }

        static SQLException copy(Throwable error, DatabaseConfig config) {
            SQLException copy = error instanceof SQLException sql
                ? new SQLException(config.redact(sql.getMessage()), sql.getSQLState(), sql.getErrorCode())
                : new SQLException(error.getClass().getName() + ": " + config.redact(error.getMessage()));
            copy.setStackTrace(error.getStackTrace());
            if (error.getCause() != null && error.getCause() != error) {
                copy.initCause(copy(error.getCause(), config));
            }
            return copy;
        }
    }
}
