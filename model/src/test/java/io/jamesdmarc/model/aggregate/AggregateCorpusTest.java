package io.jamesdmarc.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.google.common.io.MoreFiles;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;
import io.jamesdmarc.model.testing.Corpus;

/**
 * Every plain-XML aggregate report of the shared corpus against its ground truth, EXPECTED.tsv
 * (the container files are read through the unpacking layer, and tested there).
 *
 * <p>An OK row must give exactly the expected fields. An ERROR row is where a deliberately simple
 * reader gave up; ours either reads it, or fails with a typed error saying where. When it reads
 * one, the test proves the result right without knowing the file: the reader must say what it
 * repaired (a warning), and the header and counts must agree with what a plain text scan of the
 * raw bytes finds (report_id, number of {@code <record>}, sum of {@code <count>}).
 */
class AggregateCorpusTest {

    private static final Pattern RECORD = Pattern.compile("<record>");
    private static final Pattern COUNT = Pattern.compile("<count>\\s*(\\d+)\\s*</count>");
    private static final Pattern REPORT_ID = Pattern.compile("<report_id>\\s*([^<]*?)\\s*</report_id>");

    private final AggregateReportReader reader = AggregateReportReader.withDefaultLimits();

    @TestFactory
    Stream<DynamicTest> plainXmlAggregateReports() {
        Corpus corpus = Corpus.require();
        List<Corpus.Expected> rows = corpus.expected().stream()
            .filter(Corpus.Expected::aggregate)
            .filter(row -> row.path().endsWith(".xml") || row.path().endsWith(".xml.sample"))
            .toList();
        assertThat(rows).as("plain-XML aggregate rows in EXPECTED.tsv").isNotEmpty();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.path(), () -> check(corpus.file(row.path()), row)));
    }

    private void check(Path file, Corpus.Expected row) throws Exception {
        if (row.ok()) {
            ParsedAggregateReport parsed = reader.readAll(MoreFiles.asByteSource(file));
            AggregateReport report = parsed.report();
            assertThat(report.metadata().orgName()).as("org_name").isEqualTo(row.field("org_name"));
            assertThat(report.metadata().reportId()).as("report_id").isEqualTo(row.field("report_id"));
            assertThat(report.policyPublished().domain()).as("policy_domain").isEqualTo(row.field("policy_domain"));
            assertThat(report.metadata().dateRange().begin().getEpochSecond()).as("begin").isEqualTo(seconds(row.field("begin")));
            assertThat(report.metadata().dateRange().end().getEpochSecond()).as("end").isEqualTo(seconds(row.field("end")));
            assertThat(parsed.summary().records()).as("records").isEqualTo(Long.parseLong(row.field("records")));
            assertThat(parsed.records()).hasSize(Integer.parseInt(row.field("records")));
            assertThat(parsed.summary().countSum()).as("count_sum").isEqualTo(Long.parseLong(row.field("count_sum")));
            assertThat(parsed.summary().dmarcPassCount()).as("dmarc_pass_count").isEqualTo(Long.parseLong(row.field("dmarc_pass_count")));
            return;
        }
        ParsedAggregateReport parsed;
        try {
            parsed = reader.readAll(MoreFiles.asByteSource(file));
        } catch (ReportParseException failure) {
            assertThat(failure.problem()).isIn(Problem.EMPTY_INPUT, Problem.MALFORMED_XML, Problem.NOT_A_REPORT);
            if (failure.problem() == Problem.EMPTY_INPUT) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).isBlank();
            } else {
                assertThat(failure.getMessage()).matches("(record \\d+, )?line \\d+, column \\d+: .+");
            }
            return;
        }
        // read although the simple reader gave up: it must say what it repaired, and agree with the raw text
        assertThat(parsed.summary().warnings()).as("what the reader repaired").isNotEmpty();
        String raw = Files.readString(file, StandardCharsets.ISO_8859_1);
        Matcher reportId = REPORT_ID.matcher(raw);
        if (!reportId.find()) {
            fail("no <report_id> in the raw text of " + file);
        }
        assertThat(parsed.report().metadata().reportId()).isEqualTo(reportId.group(1));
        assertThat(parsed.summary().records()).isEqualTo(RECORD.matcher(raw).results().count());
        assertThat(parsed.summary().countSum()).isEqualTo(COUNT.matcher(raw).results().mapToLong(m -> Long.parseLong(m.group(1))).sum());
    }

    private static long seconds(String text) {
        return new BigDecimal(text).longValue();
    }
}
