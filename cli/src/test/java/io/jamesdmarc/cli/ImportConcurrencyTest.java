package io.jamesdmarc.cli;

import static io.jamesdmarc.cli.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.cli.Fixtures.Attachment;
import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.DatabaseConfig;
import io.jamesdmarc.storage.embedded.EmbeddedDatabase;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Two {@code dmarc import} processes (JVMs of their own) importing the same folder at the same
 * time store each report once: on a MariaDB server, and on one embedded data folder both use.
 */
@Timeout(300)
class ImportConcurrencyTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @TempDir
    static Path work;

    private static Path reports;
    private static final int GENERATED = 40;
    private static final long RECORDS_EACH = 200;
    private static final int MBOX_MESSAGES = 4;

    /** 40 generated reports, an mbox of 4 report mails, and a file that holds no report. */
    @BeforeAll
    static void reports() throws Exception {
        reports = work.resolve("reports");
        GeneratedReports.write(reports, "generated", GENERATED, RECORDS_EACH, 7);
        List<String> mails = new ArrayList<>();
        for (int i = 1; i <= MBOX_MESSAGES; i++) {
            String xml = Fixtures.aggregate("Mbox Reporter", "mbox-" + i, "example.org", 1717200000, 1717286399,
                List.of(new Fixtures.Row("198.51.100." + i, i, true, true)));
            mails.add(Fixtures.mail("<mbox-" + i + "@reporter.example>", "report " + i, "attached",
                new Attachment("application/gzip", "r" + i + ".xml.gz", Fixtures.gzip(bytes(xml)))));
        }
        Files.writeString(reports.resolve("rua.mbox"), Fixtures.mbox(mails));
        Files.writeString(reports.resolve("notes.txt"), "not a report");
    }

    @Test
    void twoProcessesOnTheServerStoreEachReportOnce() throws Exception {
        DatabaseConfig config = DB.config();
        // one given the database by options, the other by the environment
        DmarcProcess byOptions = DmarcProcess.start(work.resolve("logs-server"), "options", Map.of(),
            List.of("import", "--json", "--db", config.url(), "--db-user", config.user(), "--db-password", config.password(), reports.toString()));
        Map<String, String> environment = new HashMap<>();
        environment.put(DatabaseOptions.ENV_URL, config.url());
        environment.put(DatabaseOptions.ENV_USER, config.user());
        environment.put(DatabaseOptions.ENV_PASSWORD, config.password());
        DmarcProcess byEnvironment = DmarcProcess.start(work.resolve("logs-server"), "environment", environment,
            List.of("import", "--json", reports.toString()));

        List<DmarcRun> runs = List.of(byOptions.await(240), byEnvironment.await(240));

        assertEachReportStoredOnce(runs, new SqlProbe(DB.dataSource()));
    }

    @Test
    void twoProcessesOnOneEmbeddedDataFolderStoreEachReportOnce() throws Exception {
        Path dataDir = work.resolve("embedded-db");
        Map<String, String> environment = new HashMap<>();
        environment.put(DatabaseOptions.ENV_URL, null);
        environment.put(DatabaseOptions.ENV_DATA_DIR, dataDir.toString());
        DmarcProcess first = DmarcProcess.start(work.resolve("logs-embedded"), "first", environment,
            List.of("import", "--json", reports.toString()));
        DmarcProcess second = DmarcProcess.start(work.resolve("logs-embedded"), "second", environment,
            List.of("import", "--json", "--data-dir", dataDir.toString(), reports.toString()));

        List<DmarcRun> runs = List.of(first.await(240), second.await(240));

        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(dataDir); Database database = Database.open(embedded.config())) {
            assertEachReportStoredOnce(runs, new SqlProbe(database.dataSource()));
        }
    }

    private static void assertEachReportStoredOnce(List<DmarcRun> runs, SqlProbe sql) throws Exception {
        int reportsInFolder = GENERATED + MBOX_MESSAGES;
        int imported = 0;
        int duplicates = 0;
        for (DmarcRun run : runs) {
            assertThat(run.status()).as("the text file fails, nothing else: %s", run).isEqualTo(1);
            JsonNode summary = run.json();
            assertThat(summary.get("inputs").asInt()).isEqualTo(GENERATED + MBOX_MESSAGES + 1);
            assertThat(summary.get("failed").asInt()).isEqualTo(1);
            imported += summary.get("imported").asInt();
            duplicates += summary.get("duplicates").asInt();
        }
        assertThat(imported).as("stored by one or the other").isEqualTo(reportsInFolder);
        assertThat(duplicates).as("found stored by the other").isEqualTo(reportsInFolder);
        assertThat(sql.count("aggregate_reports")).isEqualTo(reportsInFolder);
        assertThat(sql.count("aggregate_records")).isEqualTo(GENERATED * RECORDS_EACH + MBOX_MESSAGES);
        assertThat(sql.count("received_messages")).as("each input recorded once").isEqualTo(GENERATED + MBOX_MESSAGES + 1);
        assertThat(sql.count("rejected_inputs")).isEqualTo(1);
        assertThat(sql.longs("SELECT COUNT(*) FROM aggregate_reports r WHERE r.record_count <> "
            + "(SELECT COUNT(*) FROM aggregate_records x WHERE x.aggregate_report_id = r.id)")).containsExactly(0L);
    }
}
