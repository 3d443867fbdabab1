package io.jamesdmarc.storage.evaluation;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;

/** Where a recorder's repository comes from: a pool given to it, or a database it opens when it can. */
interface RepositorySource extends AutoCloseable {

    /** The repository; for a database not opened yet, an attempt to open it. */
    EvaluationRepository repository() throws SQLException;

    /** The database, for logs (no password). */
    String description();

    @Override
    void close();

    static RepositorySource of(DataSource dataSource, String description) {
        EvaluationRepository repository = new EvaluationRepository(dataSource);
        return new RepositorySource() {
            @Override
            public EvaluationRepository repository() {
                return repository;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public void close() {
                // the pool is its owner's to close
            }
        };
    }

    /**
     * The JVM's shared pool for {@code config} ({@link Database#shared}), opened (and migrated) at the
     * first call that finds the database up: a recorder starts, and spools, while it is down.
     */
    static RepositorySource opening(DatabaseConfig config) {
        return new RepositorySource() {
            private Database database;
            private EvaluationRepository repository;
            private boolean closed;

            @Override
            public synchronized EvaluationRepository repository() throws SQLException {
                if (closed) {
                    throw new SQLException("the evaluation recorder of " + config.redactedUrl() + " is closed");
                }
                if (repository == null) {
                    database = Database.shared(config);
                    repository = new EvaluationRepository(database.dataSource());
                }
                return repository;
            }

            @Override
            public String description() {
                return config.redactedUrl();
            }

            @Override
            public synchronized void close() {
                closed = true;
                if (database != null) {
                    database.close();
                }
            }
        };
    }
}
