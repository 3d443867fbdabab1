package io.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * {@code dmarc import} of the whole shared corpus into a fresh database, then again.
 *
 * <p>What should be stored is known without the store: EXPECTED.tsv for the figures of each OK
 * report, and {@code dmarc parse} (checked against EXPECTED.tsv and an independent decoding by
 * {@link ParseCorpusTest}) for the reports read where EXPECTED's simple reader gave up, for which
 * inputs hold no report, and for how many times each report comes (the corpus holds the same report
 * in several files: .xml, .xml.gz, .zip, a re-sent mail).
 */
class ImportCorpusTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @Test
    void importingTheCorpusTwiceStoresEachReportOnceKeepsTheBadInputsAndSaysTheSecondTimeThatNothingIsNew() throws Exception {
        Corpus corpus = Corpus.require();
        String[] folders = {corpus.root().resolve("aggregate").toString(), corpus.root().resolve("failure").toString()};
        Parsed parsed = Parsed.of(DmarcRun.of(concat("parse", folders)));
        SqlProbe sql = new SqlProbe(DB.dataSource());

        DmarcRun first = DmarcRun.of(TestDatabases.command("import", DB, concat("--json", folders)));

        assertThat(first.status()).as(first.toString()).isEqualTo(1);
        JsonNode summary = first.json();
        assertThat(summary.get("inputs").asInt()).isEqualTo(corpus.expected().size());
        assertThat(summary.get("aggregate_reports").asInt()).isEqualTo(parsed.aggregates().size());
        assertThat(summary.get("failure_reports").asInt()).isEqualTo(parsed.failures().size());
        assertThat(summary.get("imported").asInt()).isEqualTo(parsed.aggregates().size() + parsed.failures().size());
        assertThat(summary.get("duplicates").asInt()).isEqualTo(parsed.reportLines() - parsed.aggregates().size() - parsed.failures().size());
        assertThat(summary.get("records_imported").asLong()).isEqualTo(parsed.records());
        assertThat(summary.get("failed").asInt()).isEqualTo(parsed.failedFiles().size());
        assertThat(summary.get("failures")).allSatisfy(failure -> {
            assertThat(parsed.failedFiles()).contains(failure.get("file").asText());
            assertThat(failure.get("kept").asText()).isEqualTo("now");
            assertThat(failure.get("reason").asText()).isNotBlank();
        });

        assertStoredAsExpected(corpus, parsed, sql);
        assertBadInputsKeptWithTheirBytes(parsed, sql);
        Map<String, Long> rows = rowCounts(sql);

        DmarcRun second = DmarcRun.of(TestDatabases.command("import", DB, concat("--json", folders)));

        assertThat(second.status()).as(second.toString()).isEqualTo(1);
        JsonNode again = second.json();
        assertThat(again.get("imported").asInt()).isZero();
        assertThat(again.get("records_imported").asLong()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(parsed.reportLines());
        assertThat(again.get("failed").asInt()).isEqualTo(parsed.failedFiles().size());
        assertThat(again.get("failures")).allSatisfy(failure -> assertThat(failure.get("kept").asText()).isEqualTo("before"));
        assertThat(rowCounts(sql)).isEqualTo(rows);

        DmarcRun third = DmarcRun.of(TestDatabases.command("import", DB, folders));
        assertThat(third.out()).startsWith("Nothing new: the " + parsed.reportLines() + " reports found were all stored before (duplicates)");
        assertThat(third.out()).contains("Failed: " + parsed.failedFiles().size() + " inputs", "(kept by an earlier import)");
        assertThat(rowCounts(sql)).isEqualTo(rows);
    }

    /** Every report once, with the figures EXPECTED.tsv gives, in the header row and in the records stored. */
    private static void assertStoredAsExpected(Corpus corpus, Parsed parsed, SqlProbe sql) throws Exception {
        assertThat(sql.count("aggregate_reports")).isEqualTo(parsed.aggregates().size());
        assertThat(sql.count("failure_reports")).isEqualTo(parsed.failures().size());
        assertThat(sql.count("received_messages")).isEqualTo(corpus.expected().size());
        assertThat(sql.longs("SELECT COALESCE(SUM(record_count), 0), COALESCE(SUM(message_count), 0), COALESCE(SUM(dmarc_pass_count), 0) "
            + "FROM aggregate_reports")).containsExactly(parsed.records(), parsed.countSum(), parsed.passCount());
        assertThat(sql.longs("SELECT COUNT(*), COALESCE(SUM(message_count), 0), COALESCE(SUM(IF(dmarc_pass, message_count, 0)), 0) "
            + "FROM aggregate_records")).containsExactly(parsed.records(), parsed.countSum(), parsed.passCount());

        int checked = 0;
        try (Connection connection = DB.dataSource().getConnection();
             PreparedStatement find = connection.prepareStatement("SELECT r.record_count, r.message_count, r.dmarc_pass_count, "
                 + "(SELECT COUNT(*) FROM aggregate_records x WHERE x.aggregate_report_id = r.id), "
                 + "(SELECT COALESCE(SUM(x.message_count), 0) FROM aggregate_records x WHERE x.aggregate_report_id = r.id), "
                 + "(SELECT COALESCE(SUM(IF(x.dmarc_pass, x.message_count, 0)), 0) FROM aggregate_records x WHERE x.aggregate_report_id = r.id) "
                 + "FROM aggregate_reports r WHERE r.org_name = ? AND r.report_id = ? AND r.policy_domain = ? "
                 + "AND r.date_begin = FROM_UNIXTIME(?) AND r.date_end = FROM_UNIXTIME(?)")) {
            for (Corpus.Expected row : corpus.expected()) {
                if (!row.ok() || !row.aggregate()) {
                    continue;
                }
                find.setString(1, row.field("org_name"));
                find.setString(2, row.field("report_id"));
                find.setString(3, row.field("policy_domain").toLowerCase(java.util.Locale.ROOT));
                find.setLong(4, new BigDecimal(row.field("begin")).longValueExact());
                find.setLong(5, new BigDecimal(row.field("end")).longValueExact());
                try (ResultSet found = find.executeQuery()) {
                    assertThat(found.next()).as("stored: %s", row.path()).isTrue();
                    long records = Long.parseLong(row.field("records"));
                    long counts = Long.parseLong(row.field("count_sum"));
                    long pass = Long.parseLong(row.field("dmarc_pass_count"));
                    for (int column : new int[] {1, 4}) {
                        assertThat(List.of(found.getLong(column), found.getLong(column + 1), found.getLong(column + 2)))
                            .as("%s: records, count sum, pass count (%s)", row.path(), column == 1 ? "report row" : "record rows")
                            .containsExactly(records, counts, pass);
                    }
                    assertThat(found.next()).as("stored once: %s", row.path()).isFalse();
                    checked++;
                }
            }
        }
        assertThat(checked).isPositive();
    }

    /** Each input that held no report is kept once, with its bytes exactly as the file holds them. */
    private static void assertBadInputsKeptWithTheirBytes(Parsed parsed, SqlProbe sql) throws Exception {
        assertThat(sql.count("rejected_inputs")).isEqualTo(parsed.failedFiles().size());
        Map<Long, String> files = new LinkedHashMap<>();
        try (Connection connection = DB.dataSource().getConnection();
             PreparedStatement rejected = connection.prepareStatement("SELECT r.id, m.file_path, r.problem, r.reason FROM rejected_inputs r "
                 + "JOIN received_messages m ON m.id = r.received_message_id");
             ResultSet rows = rejected.executeQuery()) {
            while (rows.next()) {
                files.put(rows.getLong(1), rows.getString(2));
                assertThat(rows.getString(3)).isEqualTo(parsed.problems().get(rows.getString(2)));
                assertThat(rows.getString(4)).contains(Path.of(rows.getString(2)).getFileName().toString());
            }
        }
        assertThat(files.values()).containsExactlyInAnyOrderElementsOf(parsed.failedFiles());
        for (Map.Entry<Long, String> kept : files.entrySet()) {
            byte[] original = Files.readAllBytes(Path.of(kept.getValue()));
            assertThat(DB.database().storedReports().rejectedInput(kept.getKey()))
                .as("bytes kept for %s", kept.getValue()).hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(original));
        }
    }

    private static Map<String, Long> rowCounts(SqlProbe sql) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("received_messages", "received_message_contents", "aggregate_reports", "aggregate_records",
            "aggregate_dkim_results", "aggregate_spf_results", "failure_reports", "rejected_inputs", "rejected_input_chunks")) {
            counts.put(table, sql.count(table));
        }
        return counts;
    }

    private static String[] concat(String first, String... rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(Arrays.asList(rest));
        return all.toArray(String[]::new);
    }

    /**
     * What {@code dmarc parse} read, deduplicated as the README says reports are: an aggregate report by reporter, id,
     * domain and period; a failure report by its content (here: its feedback fields).
     */
    private record Parsed(Map<List<Object>, JsonNode> aggregates, Set<List<String>> failures, int reportLines, List<String> failedFiles,
                          Map<String, String> problems) {

        static Parsed of(DmarcRun parse) {
            Map<List<Object>, JsonNode> aggregates = new LinkedHashMap<>();
            Set<List<String>> failures = new java.util.LinkedHashSet<>();
            int reportLines = 0;
            Map<String, String> problems = new LinkedHashMap<>();
            for (JsonNode line : parse.jsonLines()) {
                switch (line.get("kind").asText()) {
                    case "aggregate" -> {
                        reportLines++;
                        aggregates.putIfAbsent(List.of(line.get("org_name").asText(), line.get("report_id").asText(),
                            line.get("policy_domain").asText().toLowerCase(java.util.Locale.ROOT), line.get("begin").asLong(),
                            line.get("end").asLong()), line);
                    }
                    case "failure" -> {
                        reportLines++;
                        failures.add(Arrays.asList(line.get("feedback_type").asText(null), line.get("source_ip").asText(null),
                            line.get("reported_domain").asText(null), line.get("original_mail_from").asText(null),
                            line.get("arrival_date").asText(null)));
                    }
                    default -> problems.putIfAbsent(line.get("file").asText(), line.get("problem").asText());
                }
            }
            return new Parsed(aggregates, failures, reportLines, List.copyOf(problems.keySet()), problems);
        }

        long records() {
            return aggregates.values().stream().mapToLong(line -> line.get("records").asLong()).sum();
        }

        long countSum() {
            return aggregates.values().stream().mapToLong(line -> line.get("count_sum").asLong()).sum();
        }

        long passCount() {
            return aggregates.values().stream().mapToLong(line -> line.get("dmarc_pass_count").asLong()).sum();
        }
    }
}
