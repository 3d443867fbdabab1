package io.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.cli.importing.Importer;
import io.jamesdmarc.cli.importing.InputOutcome;
import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.cli.inputs.InputFile;
import io.jamesdmarc.cli.inputs.InputFinder;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * An import broken off part-way loses nothing: the database connection killed while a large report
 * is being stored (from another session, KILL CONNECTION), or the importing process killed outright.
 * The report being stored is rolled back whole, and running the import again completes the set.
 */
@Timeout(300)
class ImportInterruptionTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @TempDir
    static Path work;

    /** Large enough that storing it takes seconds: the window in which its connection is killed. */
    private static final long LARGE = 200_000;
    private static final long BATCH_LARGE = 60_000;
    private static final int SMALL = 150;
    private static final long SMALL_RECORDS = 20;
    private static Path large;
    private static Path pair;
    private static Path batch;

    private SqlProbe sql;

    @BeforeAll
    static void reports() throws Exception {
        large = GeneratedReports.write(work.resolve("large"), "large", 1, LARGE, 11).get(0);
        // a small report, then the large one: the small one is committed when the large one's connection is killed
        java.util.Map<String, byte[]> members = new java.util.LinkedHashMap<>();
        members.put("small.xml", Fixtures.bytes(Fixtures.aggregate("Small Reporter", "small-1", "example.net", 1717200000, 1717286399,
            List.of(new Fixtures.Row("192.0.2.10", 3, true, true), new Fixtures.Row("192.0.2.11", 1, false, false)))));
        members.put("large.xml.gz", java.nio.file.Files.readAllBytes(large));
        pair = java.nio.file.Files.write(work.resolve("pair.zip"), Fixtures.zip(members));
        batch = work.resolve("batch");
        GeneratedReports.write(batch, "a-large", 1, BATCH_LARGE, 12);
        GeneratedReports.write(batch, "small", SMALL, SMALL_RECORDS, 13);
    }

    @BeforeEach
    void emptyStore() throws Exception {
        DB.truncateAll();
        sql = new SqlProbe(DB.dataSource());
    }

    @Test
    void aConnectionKilledWhileALargeReportIsStoredIsRetriedAndTheReportStoredWhole() throws Exception {
        CompletableFuture<DmarcRun> run = CompletableFuture.supplyAsync(() -> DmarcRun.of(TestDatabases.command("import", DB, "--json",
            pair.toString())));

        long killed = killTheConnectionStoringRecords(run);
        DmarcRun done = run.get(240, TimeUnit.SECONDS);

        assertThat(killed).isPositive();
        assertThat(done.status()).as(done.toString()).isZero();
        JsonNode summary = done.json();
        assertThat(summary.get("imported").asInt()).isEqualTo(2);
        assertThat(summary.get("duplicates").asInt()).as("the small report, stored by the attempt that was broken off, is this import's").isZero();
        assertThat(summary.get("records_imported").asLong()).isEqualTo(LARGE + 2);
        assertThat(sql.count("aggregate_reports")).isEqualTo(2);
        assertThat(sql.count("aggregate_records")).isEqualTo(LARGE + 2);
        assertNothingHalfStored();
    }

    @Test
    void anInputTheDatabaseFailsAfterEveryRetryIsListedAsNotImportedAndARerunCompletesIt() throws Exception {
        // no retries: the killed connection fails the input at once
        Importer importer = new Importer(DB.database().reportStore(), new ReportExtractor(ParseLimits.DEFAULTS), Clock.systemUTC(), List.of());
        InputFile file = InputFinder.find(List.of(large)).get(0);
        Input input = file.open().get(0);
        CompletableFuture<InputOutcome> first = CompletableFuture.supplyAsync(() -> {
            try {
                return importer.importInput(input);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        killTheConnectionStoringRecords(first);
        InputOutcome failed = first.get(240, TimeUnit.SECONDS);

        assertThat(failed.databaseFailed()).isTrue();
        assertThat(failed.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.problem()).isEqualTo(Importer.DATABASE_ERROR);
            assertThat(failure.kept()).isEqualTo(InputOutcome.Kept.NO);
        });
        assertThat(sql.count("aggregate_reports")).as("nothing of the report kept").isZero();
        assertThat(sql.count("aggregate_records")).isZero();

        InputOutcome rerun = importer.importInput(input);

        assertThat(rerun.failed()).isFalse();
        assertThat(rerun.aggregateReports()).isEqualTo(1);
        assertThat(sql.count("aggregate_records")).isEqualTo(LARGE);
    }

    @Test
    void aProcessKilledOutrightMidImportLosesNothingAndARerunCompletesTheSet() throws Exception {
        DmarcProcess process = DmarcProcess.start(work.resolve("logs"), "killed", Map.of(),
            List.of(TestDatabases.command("import", DB, "--threads", "1", batch.toString())));
        // the large report first, then small ones: kill it once some are stored and one is on its way
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (sql.count("aggregate_reports") < 5 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(process.isAlive()).as("still importing when killed").isTrue();
        process.kill();
        long storedBefore = sql.count("aggregate_reports");
        assertThat(storedBefore).isBetween(5L, (long) SMALL);

        DmarcRun rerun = DmarcRun.of(TestDatabases.command("import", DB, "--json", batch.toString()));

        assertThat(rerun.status()).as(rerun.toString()).isZero();
        JsonNode summary = rerun.json();
        assertThat(summary.get("imported").asLong() + summary.get("duplicates").asLong()).isEqualTo(1 + SMALL);
        assertThat(summary.get("duplicates").asLong()).as("stored before the kill, found stored").isEqualTo(storedBefore);
        assertThat(sql.count("aggregate_reports")).isEqualTo(1 + SMALL);
        assertThat(sql.count("aggregate_records")).isEqualTo(BATCH_LARGE + SMALL * SMALL_RECORDS);
        assertNothingHalfStored();
    }

    /**
     * Waits until a session of this database is writing the records of a report (one batch of its
     * records, DKIM or SPF results being inserted: the report's row and earlier batches are written,
     * uncommitted), and kills it from another session. PROCESSLIST, not INNODB_TRX: on a shared server
     * INNODB_TRX's cache may be truncated by other sessions' locks and miss the transaction.
     */
    private static long killTheConnectionStoringRecords(CompletableFuture<?> importing) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        try (Connection connection = DB.dataSource().getConnection();
             PreparedStatement storing = connection.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST "
                 + "WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND COMMAND <> 'Sleep' "
                 + "AND (INFO LIKE 'INSERT INTO aggregate_records %' OR INFO LIKE 'INSERT INTO aggregate_dkim_results %' "
                 + "OR INFO LIKE 'INSERT INTO aggregate_spf_results %')");
             Statement kill = connection.createStatement()) {
            while (System.nanoTime() < deadline) {
                if (importing.isDone()) {
                    throw new AssertionError("the import ended before its connection could be killed: " + importing.get());
                }
                try (ResultSet row = storing.executeQuery()) {
                    if (row.next()) {
                        long victim = row.getLong(1);
                        kill.execute("KILL CONNECTION " + victim);
                        return victim;
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("no session stored records within " + Duration.ofSeconds(120));
    }

    /** The records of the killed report must not be half there: what a killed session wrote is rolled back. */
    private void assertNothingHalfStored() throws Exception {
        assertThat(sql.longs("SELECT COUNT(*) FROM aggregate_reports r WHERE r.record_count <> "
            + "(SELECT COUNT(*) FROM aggregate_records x WHERE x.aggregate_report_id = r.id)")).as("no report half stored").containsExactly(0L);
    }
}
