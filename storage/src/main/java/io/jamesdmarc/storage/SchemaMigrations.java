package io.jamesdmarc.storage;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with the versioned migrations in {@value #LOCATION}. Flyway takes a
 * database lock, so James nodes and {@code dmarc} processes starting together migrate once.
 */
public final class SchemaMigrations {

    /** Under db/migration, in a folder of our own: James extensions share one class path. */
    public static final String LOCATION = "classpath:db/migration/james-dmarc";
    /** Our own history table, so the schema may live next to other Flyway users' tables. */
    public static final String HISTORY_TABLE = "james_dmarc_schema_history";

    private static final Logger LOGGER = LoggerFactory.getLogger(SchemaMigrations.class);

    private SchemaMigrations() {
    }

    static void migrate(DataSource dataSource, DatabaseConfig config) throws DatabaseUnavailableException {
        try {
            // our own class loader: in James, extension jars are not on the thread's context class loader
            MigrateResult result = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .failOnMissingLocations(true)
                .load()
                .migrate();
            if (result.migrationsExecuted > 0) {
                LOGGER.info("DMARC database {}: schema migrated from version {} to {} ({} migrations)", config.redactedUrl(),
                    result.initialSchemaVersion == null ? "(empty)" : result.initialSchemaVersion, result.targetSchemaVersion,
                    result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot bring the DMARC schema at " + config.redactedUrl() + " up to date: "
                + config.redact(Database.rootMessage(e)), Database.Redacted.copy(e, config));
        }
    }
}
