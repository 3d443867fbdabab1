package io.jamesdmarc.storage.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The dashboard queries on summaries built by migration V3 from the reports stored before it, by
 * the migration's own backfill statements.
 */
class DashboardBackfillTest extends DashboardQueriesContract {

    private static final String MIGRATION = "db/migration/james-dmarc/V3__dashboard_rollups.sql";
    private static final String BACKFILL_MARK = "-- Backfill";

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Override
    protected TestDatabase database() {
        return DB;
    }

    @Override
    protected void summarize(TestDatabase database) throws Exception {
        SqlProbe probe = new SqlProbe(database.dataSource());
        assertThat(probe.count("aggregate_source_spans")).as("storing reports does not summarize them").isZero();
        String migration;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(MIGRATION)) {
            migration = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String backfill = migration.substring(migration.indexOf(BACKFILL_MARK));
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET FOREIGN_KEY_CHECKS = 0");
            for (String table : List.of("aggregate_daily_totals", "aggregate_source_spans", "aggregate_report_sources", "aggregate_sources")) {
                statement.execute("TRUNCATE TABLE " + table);
            }
            statement.execute("SET FOREIGN_KEY_CHECKS = 1");
            statement.execute("UPDATE aggregate_reports SET fail_record_count = 0");
            for (String sql : backfill.split(";\\s*\\n")) {
                String withoutComments = sql.lines().filter(line -> !line.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
                if (!withoutComments.isEmpty()) {
                    statement.execute(withoutComments);
                }
            }
        }
        assertThat(probe.count("aggregate_source_spans")).as("the backfill built the summaries").isPositive();
    }
}
