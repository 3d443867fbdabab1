package io.jamesdmarc.cli;

import static io.jamesdmarc.cli.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.cli.Fixtures.Attachment;
import io.jamesdmarc.cli.Fixtures.Row;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/** {@code dmarc import} of fixtures of our own: mbox, Maildir, bad inputs, the summary. */
class ImportCommandTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @TempDir
    Path dir;

    private SqlProbe sql;

    private static final List<Row> ROWS = List.of(new Row("192.0.2.1", 10, true, false), new Row("192.0.2.2", 5, false, false));

    @BeforeEach
    void emptyStore() throws Exception {
        DB.truncateAll();
        sql = new SqlProbe(DB.dataSource());
    }

    private static String report(String id) {
        return Fixtures.aggregate("Reporter Inc", id, "example.com", 1717200000, 1717286399, ROWS);
    }

    private static String reportMail(String id) {
        return Fixtures.mail("<" + id + "@reporter.example>", "Report Domain: example.com Report-ID: " + id, "report attached",
            new Attachment("application/gzip", id + ".xml.gz", Fixtures.gzip(bytes(report(id)))));
    }

    private DmarcRun importJson(String... paths) {
        List<String> args = new java.util.ArrayList<>(List.of("--json"));
        args.addAll(List.of(paths));
        return DmarcRun.of(TestDatabases.command("import", DB, args.toArray(String[]::new)));
    }

    @Test
    void anMboxMessageIsRecordedByItsPlaceAndContentSoThatImportingAgainFindsIt() throws Exception {
        Path mbox = Files.writeString(dir.resolve("rua.mbox"), Fixtures.mbox(List.of(reportMail("m1"), reportMail("m2"),
            Fixtures.failureMail("<f1@reporter.example>", "example.com", "203.0.113.5", "Mon, 03 Jun 2024 09:00:00 +0000"))));

        DmarcRun first = importJson(mbox.toString());

        assertThat(first.status()).as(first.toString()).isZero();
        assertThat(first.json().get("inputs").asInt()).isEqualTo(3);
        assertThat(first.json().get("aggregate_reports").asInt()).isEqualTo(2);
        assertThat(first.json().get("failure_reports").asInt()).isEqualTo(1);
        assertThat(first.json().get("records_imported").asLong()).isEqualTo(4);
        String absolute = mbox.toAbsolutePath().toString();
        assertThat(sql.strings("SELECT origin_key FROM received_messages ORDER BY id")).hasSize(3).allSatisfy(key -> assertThat(key)
            .matches(java.util.regex.Pattern.quote(absolute) + "#message=[123]#sha256=[0-9a-f]{64}"));
        assertThat(sql.strings("SELECT CONCAT_WS('|', message_id, subject, from_header, file_path) FROM received_messages ORDER BY id"))
            .containsExactly(
                "<m1@reporter.example>|Report Domain: example.com Report-ID: m1|DMARC Reporter <noreply-dmarc@reporter.example>|" + absolute,
                "<m2@reporter.example>|Report Domain: example.com Report-ID: m2|DMARC Reporter <noreply-dmarc@reporter.example>|" + absolute,
                "<f1@reporter.example>|DMARC failure report for example.com|DMARC failures <ruf@reporter.example>|" + absolute);

        DmarcRun again = importJson(mbox.toString());

        assertThat(again.json().get("imported").asInt()).isZero();
        assertThat(again.json().get("duplicates").asInt()).isEqualTo(3);
        assertThat(sql.count("received_messages")).isEqualTo(3);
        assertThat(sql.count("received_message_contents")).as("a message imported again adds no second link").isEqualTo(3);
    }

    @Test
    void aMaildirMessageStaysTheSameMessageWhenTheMailClientMovesItAndSetsFlags() throws Exception {
        Path maildir = dir.resolve("Maildir");
        for (String folder : List.of("cur", "new", "tmp")) {
            Files.createDirectories(maildir.resolve(folder));
        }
        Path fresh = Files.writeString(maildir.resolve("new/1717400001.M2P1.host"), reportMail("d1"));
        Files.writeString(maildir.resolve("tmp/1717400002.M3P1.host"), "being deliv");

        DmarcRun first = importJson(maildir.toString());
        assertThat(first.status()).as(first.toString()).isZero();
        assertThat(first.json().get("imported").asInt()).isEqualTo(1);

        Files.move(fresh, maildir.resolve("cur/1717400001.M2P1.host:2,S"));
        DmarcRun afterReading = importJson(maildir.toString());

        assertThat(afterReading.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(sql.strings("SELECT origin_key FROM received_messages")).singleElement().asString()
            .startsWith(maildir.toAbsolutePath() + "#1717400001.M2P1.host#sha256=");
        assertThat(sql.count("received_message_contents")).isEqualTo(1);
    }

    @Test
    void aBadFileNeverStopsTheBatchAndIsKeptWithItsBytesAndReason() throws Exception {
        byte[] truncated = Fixtures.gzip(bytes(report("cut")));
        truncated = java.util.Arrays.copyOf(truncated, truncated.length / 2);
        Path bad = Files.write(dir.resolve("a-bad.xml.gz"), truncated);
        Path good = Files.write(dir.resolve("b-good.xml"), bytes(report("good")));
        Path missing = dir.resolve("c-missing.xml");

        DmarcRun run = importJson(dir.toString(), missing.toString());

        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        JsonNode summary = run.json();
        assertThat(summary.get("imported").asInt()).isEqualTo(1);
        assertThat(summary.get("failed").asInt()).isEqualTo(2);
        assertThat(summary.get("failures")).extracting(failure -> failure.get("file").asText() + " " + failure.get("problem").asText()
            + " " + failure.get("kept").asText())
            .containsExactly(bad + " CORRUPT_CONTAINER now", missing + " UNREADABLE_FILE no");
        assertThat(summary.get("failures").get(0).get("reason").asText()).contains("a-bad.xml.gz", "gzip");
        assertThat(summary.get("failures").get(1).get("reason").asText()).contains("c-missing.xml", "no such file");
        long id = sql.longs("SELECT id FROM rejected_inputs").get(0);
        byte[] original = truncated;
        assertThat(DB.database().storedReports().rejectedInput(id)).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(original));
        assertThat(sql.strings("SELECT CONCAT_WS('|', r.problem, r.location, m.file_path) FROM rejected_inputs r "
            + "JOIN received_messages m ON m.id = r.received_message_id")).containsExactly("CORRUPT_CONTAINER|a-bad.xml.gz|" + bad);
        assertThat(sql.strings("SELECT report_id FROM aggregate_reports")).containsExactly("good");
        assertThat(good).exists();
    }

    @Test
    void aReportBesideAnUnreadablePartIsStoredAndThePartKeptWithItsLocation() throws Exception {
        Path mail = Files.writeString(dir.resolve("mixed.eml"), Fixtures.mailWithAGoodAndADamagedReport(report("good"), report("broken")));

        DmarcRun run = importJson(mail.toString());

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.json().get("imported").asInt()).isEqualTo(1);
        JsonNode failure = run.json().get("failures").get(0);
        assertThat(failure.get("location").asText()).contains("part 3", "bad.xml.gz");
        assertThat(sql.strings("SELECT location FROM rejected_inputs")).singleElement().asString().contains("part 3", "bad.xml.gz");
        assertThat(sql.strings("SELECT content_type FROM received_message_contents ORDER BY id")).containsExactly("aggregate", "rejected");
    }

    @Test
    void theSameReportTwiceInOneFileIsStoredOnceAndCountedAsADuplicate() throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("report.xml", bytes(report("twice")));
        members.put("copy/report.xml", bytes(report("twice")));
        Path zip = Files.write(dir.resolve("twice.zip"), Fixtures.zip(members));

        JsonNode summary = importJson(zip.toString()).json();

        assertThat(summary.get("imported").asInt()).isEqualTo(1);
        assertThat(summary.get("duplicates").asInt()).isEqualTo(1);
        assertThat(summary.get("records_imported").asLong()).isEqualTo(2);
        assertThat(sql.count("aggregate_records")).isEqualTo(2);
    }

    @Test
    void theSummaryInWordsSaysWhatWasImportedAndTheRate() throws Exception {
        Files.write(dir.resolve("r1.xml"), bytes(report("r1")));
        Files.write(dir.resolve("r2.xml.gz"), Fixtures.gzip(bytes(report("r1"))));
        Files.write(dir.resolve("r3.xml"), bytes(report("r3")));

        DmarcRun run = DmarcRun.of(TestDatabases.command("import", DB, dir.toString()));

        assertThat(run.status()).isZero();
        assertThat(run.out()).matches("(?s)Imported 2 new reports \\(2 aggregate with 4 records, 0 failure\\) from 3 inputs in \\d+\\.\\d s: "
            + "[\\d,]+ records/s\\.\\RDuplicates: 1 report stored before, not stored again\\.\\R");
        // not a terminal: no progress bar drawn over the output
        assertThat(run.err()).doesNotContain("\r").doesNotContain("files");
    }

    @Test
    void anEmptyFolderImportsNothingAndSucceeds() throws Exception {
        DmarcRun run = importJson(dir.toString());

        assertThat(run.status()).isZero();
        assertThat(run.json().get("inputs").asInt()).isZero();
        assertThat(run.json().get("failures")).isEmpty();
    }

    @Test
    void anUnreachableDatabaseIsExit3NamingItsUrl() throws Exception {
        Path file = Files.write(dir.resolve("r.xml"), bytes(report("r")));

        DmarcRun run = DmarcRun.of("import", "--db", "jdbc:mariadb://127.0.0.1:1/dmarc", "--db-password", "t0psecret", file.toString());

        assertThat(run.status()).isEqualTo(DmarcCommand.EXIT_DATABASE_UNAVAILABLE);
        assertThat(run.err()).contains("jdbc:mariadb://127.0.0.1:1/dmarc").doesNotContain("t0psecret");
        assertThat(run.out()).isEmpty();
    }
}
