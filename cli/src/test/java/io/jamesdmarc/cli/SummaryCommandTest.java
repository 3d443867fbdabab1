package io.jamesdmarc.cli;

import static io.jamesdmarc.cli.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.cli.Fixtures.Row;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * {@code dmarc summary} over reports imported with {@code dmarc import}, against figures computed
 * here from the very rows the report files were written from: no SQL, no storage code.
 */
class SummaryCommandTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    @TempDir
    static Path dir;

    /** A report as written to a file: its policy domain as the reporter wrote it, its first day, its rows. */
    private record Report(String id, String domain, LocalDate day, List<Row> rows) {
        String normalisedDomain() {
            return domain.toLowerCase(Locale.ROOT);
        }

        Instant begin() {
            return day.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    private static final List<Report> REPORTS = List.of(
        new Report("r1", "example.com", LocalDate.of(2026, 5, 1), List.of(new Row("192.0.2.1", 10, true, false, "none"),
            new Row("192.0.2.2", 5, false, false, "quarantine"), new Row("2001:db8::1", 3, false, true, "none"))),
        new Report("r2", "example.com", LocalDate.of(2026, 5, 2), List.of(new Row("192.0.2.1", 7, true, true, "none"),
            new Row("192.0.2.3", 4, false, false, "reject"))),
        new Report("r3", "example.com", LocalDate.of(2026, 5, 5), List.of(new Row("192.0.2.4", 6, true, true, "pass"))),
        new Report("r4", "Example.ORG", LocalDate.of(2026, 5, 2), List.of(new Row("198.51.100.1", 20, false, false, "reject"),
            new Row("198.51.100.2", 1, false, true, "quarantine"))),
        new Report("r5", "empty.example", LocalDate.of(2026, 5, 3), List.of()));

    @BeforeAll
    static void importReports() throws Exception {
        for (Report report : REPORTS) {
            Files.write(dir.resolve(report.id() + ".xml"), bytes(xml(report)));
        }
        // a re-sent copy, and a failure report: neither changes the figures
        Files.write(dir.resolve("r1-again.xml.gz"), Fixtures.gzip(bytes(xml(REPORTS.get(0)))));
        Files.writeString(dir.resolve("ruf.eml"), Fixtures.failureMail("<ruf-1@reporter.example>", "example.com", "203.0.113.7",
            "Sat, 02 May 2026 10:00:00 +0000"));
        DmarcRun imported = DmarcRun.of(TestDatabases.command("import", DB, dir.toString()));
        assertThat(imported.status()).as(imported.toString()).isZero();
    }

    private static String xml(Report report) {
        long begin = report.begin().getEpochSecond();
        return Fixtures.aggregate("Reporter " + report.id(), report.id(), report.domain(), begin, begin + 86_399, report.rows());
    }

    @Test
    void everyDomainAsJson() {
        assertJsonIs(DmarcRun.of(TestDatabases.command("summary", DB, "--json")), expected(report -> true));
    }

    @Test
    void oneDomainWrittenInAnyCase() {
        assertJsonIs(DmarcRun.of(TestDatabases.command("summary", DB, "--json", "--domain", "EXAMPLE.com.")),
            expected(report -> report.normalisedDomain().equals("example.com")));
    }

    @Test
    void aPeriodOfDaysTakesInTheWholeOfTheLastDay() {
        assertJsonIs(DmarcRun.of(TestDatabases.command("summary", DB, "--json", "--since", "2026-05-02", "--until", "2026-05-03")),
            expected(report -> !report.day().isBefore(LocalDate.of(2026, 5, 2)) && !report.day().isAfter(LocalDate.of(2026, 5, 3))));
    }

    @Test
    void anInstantAsUntilIsExclusive() {
        assertJsonIs(DmarcRun.of(TestDatabases.command("summary", DB, "--json", "--until", "2026-05-02T00:00:00Z")),
            expected(report -> report.begin().isBefore(Instant.parse("2026-05-02T00:00:00Z"))));
        assertJsonIs(DmarcRun.of(TestDatabases.command("summary", DB, "--json", "--since", "2026-05-02T02:00:00+02:00")),
            expected(report -> !report.begin().isBefore(Instant.parse("2026-05-02T00:00:00Z"))));
    }

    @Test
    void theTableHasARowPerDomainWithTheSameFigures() {
        DmarcRun run = DmarcRun.of(TestDatabases.command("summary", DB));

        assertThat(run.status()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0).split("\\s{2,}")).containsExactly("domain", "reports", "sources", "messages", "pass rate", "fail rate", "none",
            "quarantine", "reject");
        List<List<Object>> expected = expected(report -> true);
        assertThat(lines).hasSize(1 + expected.size());
        for (int i = 0; i < expected.size(); i++) {
            List<Object> figures = expected.get(i);
            List<String> cells = new ArrayList<>();
            cells.add((String) figures.get(0));
            for (Object value : figures.subList(1, figures.size())) {
                cells.add(value == null ? "-" : value instanceof BigDecimal rate ? rate.toPlainString() + "%" : String.format(Locale.ROOT, "%,d", value));
            }
            assertThat(lines.get(1 + i).strip().split("\\s+")).containsExactlyElementsOf(cells);
        }
    }

    @Test
    void nothingMatchingIsSaidInWordsAndIsNoLineOfJson() {
        DmarcRun words = DmarcRun.of(TestDatabases.command("summary", DB, "--domain", "nobody.example"));
        assertThat(words.status()).isZero();
        assertThat(words.out().strip()).isEqualTo("No aggregate reports for nobody.example.");
        DmarcRun json = DmarcRun.of(TestDatabases.command("summary", DB, "--json", "--since", "2030-01-01"));
        assertThat(json.status()).isZero();
        assertThat(json.out()).isEmpty();
    }

    @Test
    void aDateThatIsNoneOrAPeriodTheWrongWayRoundIsAnInvalidCommandLine() {
        DmarcRun notADate = DmarcRun.of(TestDatabases.command("summary", DB, "--since", "last tuesday"));
        assertThat(notADate.status()).isEqualTo(2);
        assertThat(notADate.err()).contains("'last tuesday' is neither a date (2026-05-01) nor an instant");
        DmarcRun backwards = DmarcRun.of(TestDatabases.command("summary", DB, "--since", "2026-05-03", "--until", "2026-05-01"));
        assertThat(backwards.status()).isEqualTo(2);
        assertThat(backwards.err()).contains("--since must be before --until");
    }

    @Test
    void helpSaysWhetherUntilIsInclusive() {
        String help = DmarcRun.of("summary", "--help").out().replaceAll("\\s+", " ");
        assertThat(help).contains("--until 2026-05-31 takes in the whole of 31 May (UTC)", "is exclusive", "--db=JDBC_URL", "--data-dir=DIR");
    }

    private static void assertJsonIs(DmarcRun run, List<List<Object>> expected) {
        assertThat(run.status()).as(run.toString()).isZero();
        List<JsonNode> lines = run.jsonLines();
        assertThat(lines).hasSameSizeAs(expected);
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            List<String> names = new ArrayList<>();
            line.fieldNames().forEachRemaining(names::add);
            assertThat(names).containsExactly("domain", "reports", "sources", "messages", "pass_rate", "fail_rate", "none", "quarantine", "reject");
            List<Object> actual = new ArrayList<>();
            actual.add(line.get("domain").asText());
            for (String name : names.subList(1, names.size())) {
                JsonNode value = line.get(name);
                actual.add(value.isNull() ? null : name.endsWith("_rate") ? value.decimalValue().setScale(2, RoundingMode.UNNECESSARY) : value.asLong());
            }
            assertThat(actual).as("line %d: %s", i, line).isEqualTo(expected.get(i));
        }
    }

    /** domain, reports, sources, messages, pass rate, fail rate, none, quarantine, reject per domain, busiest first, then by name. */
    private static List<List<Object>> expected(Predicate<Report> selected) {
        Map<String, List<Report>> byDomain = new LinkedHashMap<>();
        for (Report report : REPORTS) {
            if (selected.test(report)) {
                byDomain.computeIfAbsent(report.normalisedDomain(), d -> new ArrayList<>()).add(report);
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        byDomain.forEach((domain, reports) -> {
            List<Row> all = reports.stream().flatMap(report -> report.rows().stream()).toList();
            long messages = all.stream().mapToLong(Row::count).sum();
            long pass = all.stream().filter(row -> row.dkimPass() || row.spfPass()).mapToLong(Row::count).sum();
            List<Object> row = new ArrayList<>();
            row.add(domain);
            row.add((long) reports.size());
            row.add(all.stream().map(Row::sourceIp).distinct().count());
            row.add(messages);
            row.add(rate(pass, messages));
            row.add(rate(messages - pass, messages));
            row.add(all.stream().filter(r -> r.disposition().equals("none") || r.disposition().equals("pass")).mapToLong(Row::count).sum());
            row.add(all.stream().filter(r -> r.disposition().equals("quarantine")).mapToLong(Row::count).sum());
            row.add(all.stream().filter(r -> r.disposition().equals("reject")).mapToLong(Row::count).sum());
            rows.add(row);
        });
        rows.sort(Comparator.<List<Object>>comparingLong(row -> -(Long) row.get(3)).thenComparing(row -> (String) row.get(0)));
        return rows;
    }

    private static BigDecimal rate(long part, long whole) {
        return whole == 0 ? null : BigDecimal.valueOf(100 * part).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP);
    }
}
