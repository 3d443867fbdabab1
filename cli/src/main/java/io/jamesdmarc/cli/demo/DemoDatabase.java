package io.jamesdmarc.cli.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.google.common.io.ByteSource;

import io.jamesdmarc.cli.importing.Importer;
import io.jamesdmarc.cli.importing.InputOutcome;
import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.DatabaseUnavailableException;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;

/**
 * The database of {@code dmarc serve --demo}: {@value #DATABASE} in the embedded MariaDB, apart from
 * the real reports of {@code dmarc} (so demo data never mixes with them), emptied and filled with
 * {@link DemoReports} through the same import as {@code dmarc import} each time the demo starts.
 */
public final class DemoDatabase implements AutoCloseable {

    public static final String DATABASE = "dmarc_demo";
    private static final int IMPORT_THREADS = 4;

    private final EmbeddedDatabase embedded;
    private final Database database;

    private DemoDatabase(EmbeddedDatabase embedded, Database database) {
        this.embedded = embedded;
        this.database = database;
    }

    /**
     * Starts (or joins) the embedded MariaDB of {@code dataDir}, creates {@value #DATABASE} afresh
     * and imports the demo's reports into it.
     *
     * @param poolSize connections the server will use
     */
    public static DemoDatabase load(Path dataDir, DemoReports reports, int poolSize) throws DatabaseUnavailableException {
        EmbeddedDatabase embedded;
        try {
            embedded = EmbeddedDatabase.start(dataDir);
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot start the embedded MariaDB in " + dataDir + ": " + e.getMessage(), e);
        }
        try {
            DatabaseConfig config = embedded.config(DATABASE).withPoolSize(Math.max(poolSize, IMPORT_THREADS + 1));
            recreate(embedded, config);
            Database database = Database.open(config);
            try {
                importAll(database, reports);
            } catch (RuntimeException | DatabaseUnavailableException e) {
                database.close();
                throw e;
            }
            return new DemoDatabase(embedded, database);
        } catch (DatabaseUnavailableException | RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    public Database database() {
        return database;
    }

    private static void recreate(EmbeddedDatabase embedded, DatabaseConfig config) throws DatabaseUnavailableException {
        try (Connection connection = DriverManager.getConnection(embedded.jdbcUrl(""), config.user(), config.password());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS `" + DATABASE + "`");
            statement.execute("CREATE DATABASE `" + DATABASE + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot create the demo database " + DATABASE + " in the embedded MariaDB: "
                + e.getMessage(), e);
        }
    }

    private static void importAll(Database database, DemoReports reports) throws DatabaseUnavailableException {
        Importer importer = new Importer(database.reportStore(), new ReportExtractor(ParseLimits.DEFAULTS), Clock.systemUTC(),
            List.of(Duration.ofSeconds(1)));
        ExecutorService threads = Executors.newFixedThreadPool(IMPORT_THREADS);
        try {
            List<Future<InputOutcome>> outcomes = new ArrayList<>();
            for (DemoReports.DemoFile file : reports.files()) {
                Input input = new Input(file.name(), Path.of("demo", file.name()), ByteSource.wrap(file.content()), new Input.PlainFile());
                outcomes.add(threads.submit(() -> importer.importInput(input)));
            }
            for (Future<InputOutcome> outcome : outcomes) {
                InputOutcome result = outcome.get();
                if (result.failed()) {
                    throw new IllegalStateException("the demo report " + result.name() + " was not imported: " + result.failures());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while loading the demo reports", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("loading the demo reports failed: " + e.getCause(), e.getCause());
        } finally {
            threads.shutdownNow();
        }
    }

    @Override
    public void close() {
        try {
            database.close();
        } finally {
            embedded.close();
        }
    }
}
