package io.jamesdmarc.storage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;

/**
 * A database of its own for a test class (or a benchmark): created uniquely named on the MariaDB at
 * 127.0.0.1:3306 when one answers there, else on an embedded MariaDB; migrated; dropped afterwards.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final TestDatabase DB = new TestDatabase();
 * ... DB.database().reportStore() ... DB.dataSource() ...
 * </pre>
 *
 * <p>System properties: {@value #MODE} = {@code auto} (default), {@code server} or {@code embedded};
 * {@value #SERVER_URL}, {@value #SERVER_USER}, {@value #SERVER_PASSWORD} for another server. The
 * embedded server's home is {@code java.io.tmpdir/james-dmarc-test-db-<user>}, shared by test JVMs
 * that run at once, stopped when the last one ends. The {@code test} database is never used.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    public static final String MODE = "jamesdmarc.test.db";
    public static final String SERVER_URL = "jamesdmarc.test.db.url";
    public static final String SERVER_USER = "jamesdmarc.test.db.user";
    public static final String SERVER_PASSWORD = "jamesdmarc.test.db.password";

    private static final String DEFAULT_SERVER_URL = "jdbc:mariadb://127.0.0.1:3306/";
    private static Server server;

    private String name;
    private DatabaseConfig config;
    private Database database;

    /** Where test databases are created: a server, with an account allowed to create databases. */
    private record Server(String baseUrl, String user, String password, boolean embedded) {
        String url(String database) {
            return baseUrl + database;
        }
    }

    /** Creates and migrates a database for a plain (non-JUnit) caller, e.g. a benchmark; close() drops it. */
    public static TestDatabase create(String label) {
        TestDatabase test = new TestDatabase();
        test.open(label);
        return test;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public Database database() {
        requireOpen();
        return database;
    }

    public DataSource dataSource() {
        return database().dataSource();
    }

    /** How to reach this test database: for a second pool, or for code that opens its own. */
    public DatabaseConfig config() {
        requireOpen();
        return config;
    }

    public String name() {
        requireOpen();
        return name;
    }

    /** Whether the test database lives on the embedded server (no server answered at 127.0.0.1:3306). */
    public static boolean embedded() {
        return server().embedded();
    }

    /** Deletes every row of every table, keeping the schema: for tests that need an empty store per test. */
    public void truncateAll() throws SQLException {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET FOREIGN_KEY_CHECKS = 0");
            for (String table : new String[] {"aggregate_daily_totals", "aggregate_source_spans", "aggregate_report_sources",
                "aggregate_sources", "received_message_contents", "rejected_input_chunks", "rejected_inputs",
                "failure_report_messages", "failure_report_sends", "failure_report_limits", "failure_report_fields", "failure_reports", "aggregate_override_reasons", "aggregate_spf_results",
                "aggregate_dkim_results", "aggregate_records", "aggregate_reports", "received_messages", "evaluation_failures",
                "evaluation_dkim_results", "evaluation_domains", "evaluations"}) {
                statement.execute("TRUNCATE TABLE " + table);
            }
            statement.execute("SET FOREIGN_KEY_CHECKS = 1");
        }
    }

    private void open(String label) {
        Server target = server();
        String safe = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        name = "jdt_" + safe.substring(0, Math.min(40, safe.length())) + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        execute(target, "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        config = DatabaseConfig.of(target.url(name), target.user(), target.password());
        try {
            database = Database.open(config);
        } catch (SQLException e) {
            execute(target, "DROP DATABASE IF EXISTS `" + name + "`");
            throw new IllegalStateException("cannot open test database " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (database != null) {
            database.close();
            database = null;
            execute(server(), "DROP DATABASE IF EXISTS `" + name + "`");
        }
    }

    private void requireOpen() {
        if (database == null) {
            throw new IllegalStateException("the test database is not open: register TestDatabase with @RegisterExtension on a static field");
        }
    }

    private static synchronized Server server() {
        if (server == null) {
            server = chooseServer();
        }
        return server;
    }

    private static Server chooseServer() {
        String mode = System.getProperty(MODE, "auto");
        String url = System.getProperty(SERVER_URL, DEFAULT_SERVER_URL);
        String user = System.getProperty(SERVER_USER, "root");
        String password = System.getProperty(SERVER_PASSWORD, "");
        if (!mode.equals("embedded")) {
            Server candidate = new Server(url.endsWith("/") ? url : url + "/", user, password, false);
            SQLException failure = ping(candidate);
            if (failure == null) {
                return candidate;
            }
            if (mode.equals("server")) {
                throw new IllegalStateException(MODE + "=server, but no MariaDB answers at " + url + ": " + failure.getMessage(), failure);
            }
        }
        try {
            EmbeddedDatabase embedded = EmbeddedDatabase.start(
                Path.of(System.getProperty("java.io.tmpdir"), "james-dmarc-test-db-" + System.getProperty("user.name")));
            // kept for the whole JVM: its shutdown hook leaves (and, if last, stops) the server
            DatabaseConfig config = embedded.config();
            return new Server("jdbc:mariadb://127.0.0.1:" + embedded.port() + "/", config.user(), config.password(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("no MariaDB at " + url + " and the embedded one did not start: " + e.getMessage(), e);
        }
    }

    private static SQLException ping(Server candidate) {
        try (Connection connection = connect(candidate)) {
            return connection.isValid(2) ? null : new SQLException("the server at " + candidate.baseUrl() + " does not answer");
        } catch (SQLException e) {
            return e;
        }
    }

    private static void execute(Server target, String sql) {
        try (Connection connection = connect(target); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database set-up failed (" + sql + "): " + e.getMessage(), e);
        }
    }

    private static Connection connect(Server target) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", target.user());
        properties.setProperty("password", target.password());
        properties.setProperty("connectTimeout", "2000");
        Connection connection = new org.mariadb.jdbc.Driver().connect(target.baseUrl(), properties);
        if (connection == null) {
            throw new SQLException("not a MariaDB URL: " + target.baseUrl());
        }
        return connection;
    }
}
