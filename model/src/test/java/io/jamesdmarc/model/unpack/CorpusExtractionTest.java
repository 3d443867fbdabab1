package io.jamesdmarc.model.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.google.common.io.MoreFiles;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.testing.IndependentDecoding;

/**
 * Every file of the shared corpus, aggregate and failure, through the extractor, against EXPECTED.tsv.
 *
 * <p>An OK row must give exactly one report with the expected fields. An ERROR row is where a
 * deliberately simple reader gave up. Ours either reads it, or fails with a typed error that names
 * the input and each part it tried. When it reads one, the test proves the result right without
 * knowing the file:
 * <ul>
 * <li>an aggregate report must say what was tolerated (a warning: bytes after a gzip stream, a
 *     repaired document), and agree with a plain text scan of the same report decoded by the JDK's
 *     own decoders and jakarta.mail (report_id, number of {@code <record>}, sum of {@code <count>});
 * <li>a failure report must state a reported domain and a source address that both appear in the
 *     raw text, in a text that speaks of DMARC.
 * </ul>
 * No file is named here: the rules are the same for every file.
 */
class CorpusExtractionTest {

    private static final Pattern RECORD = Pattern.compile("<record>");
    private static final Pattern COUNT = Pattern.compile("<count>\\s*(\\d+)\\s*</count>");
    private static final Pattern REPORT_ID = Pattern.compile("<report_id>\\s*([^<]*?)\\s*</report_id>");
    private static final Pattern CLEAR_FAILURE = Pattern.compile(
        "(no report found: .+: .+|limit \\w+=\\d+ exceeded in .+)", Pattern.DOTALL);

    private final ReportExtractor extractor = new ReportExtractor(ParseLimits.DEFAULTS);

    @Test
    void everyCorpusFileHasItsRow() throws IOException {
        Corpus corpus = Corpus.require();
        Set<String> rows = corpus.expected().stream().map(Corpus.Expected::path).collect(Collectors.toSet());
        List<String> files = new ArrayList<>();
        for (String kind : List.of("aggregate", "failure")) {
            try (Stream<Path> walk = Files.walk(corpus.root().resolve(kind))) {
                walk.filter(Files::isRegularFile).map(p -> corpus.root().relativize(p).toString()).forEach(files::add);
            }
        }
        assertThat(files).isNotEmpty();
        assertThat(rows).containsExactlyInAnyOrderElementsOf(files);
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFile() {
        Corpus corpus = Corpus.require();
        return corpus.expected().stream()
            .map(row -> DynamicTest.dynamicTest(row.status() + ": " + row.path(), () -> check(corpus.file(row.path()), row)));
    }

    private void check(Path file, Corpus.Expected row) throws Exception {
        CollectingSink sink = new CollectingSink();
        ReportParseException failure = null;
        ExtractionResult result = null;
        try {
            result = extractor.extract(MoreFiles.asByteSource(file), file.getFileName().toString(), sink);
        } catch (ReportParseException e) {
            failure = e;
        }
        if (row.ok()) {
            assertThat(failure).as("extraction failure").isNull();
            assertThat(result.unreadable()).as("unreadable parts").isEmpty();
            if (row.aggregate()) {
                assertThat(sink.failures).isEmpty();
                assertThat(sink.aggregates).hasSize(1);
                assertAggregate(sink.aggregates.get(0).summary(), row);
            } else {
                assertThat(sink.aggregates).isEmpty();
                assertThat(sink.failures).hasSize(1);
                assertFailure(sink.failures.get(0).report(), row);
            }
        } else if (failure == null) {
            provenRight(file, sink);
        } else {
            clearTypedFailure(file, failure, sink);
        }
    }

    private static void assertAggregate(AggregateReadSummary summary, Corpus.Expected row) {
        var metadata = summary.report().metadata();
        assertThat(metadata.orgName()).as("org_name").isEqualTo(row.field("org_name"));
        assertThat(metadata.reportId()).as("report_id").isEqualTo(row.field("report_id"));
        assertThat(summary.report().policyPublished().domain()).as("policy_domain").isEqualTo(row.field("policy_domain"));
        assertThat(metadata.dateRange().begin().getEpochSecond()).as("begin").isEqualTo(seconds(row.field("begin")));
        assertThat(metadata.dateRange().end().getEpochSecond()).as("end").isEqualTo(seconds(row.field("end")));
        assertThat(summary.records()).as("records").isEqualTo(Long.parseLong(row.field("records")));
        assertThat(summary.countSum()).as("count_sum").isEqualTo(Long.parseLong(row.field("count_sum")));
        assertThat(summary.dmarcPassCount()).as("dmarc_pass_count").isEqualTo(Long.parseLong(row.field("dmarc_pass_count")));
    }

    private static void assertFailure(FailureReport report, Corpus.Expected row) {
        assertThat(report.feedbackType().orElse("")).as("feedback_type").isEqualTo(row.field("feedback_type"));
        assertThat(report.authFailure().orElse("")).as("auth_failure").isEqualTo(row.field("auth_failure"));
        assertThat(report.sourceIpText().orElse("")).as("source_ip as written").isEqualTo(row.field("source_ip"));
        assertThat(report.sourceIp()).as("source_ip address part").contains(addressAtStart(row.field("source_ip")));
        assertThat(report.reportedDomain().orElse("")).as("reported_domain").isEqualTo(row.field("reported_domain"));
        assertThat(report.originalMailFrom().orElse("")).as("original_mail_from").isEqualTo(row.field("original_mail_from"));
        assertThat(report.arrivalDate().orElse("")).as("arrival_date").isEqualTo(row.field("arrival_date"));
        if (!row.field("arrival_date").isEmpty()) {
            assertThat(report.arrivalTime()).as("arrival_date parsed").isPresent();
        }
    }

    /** Read where the simple reader gave up: the result must be what the file says. */
    private static void provenRight(Path file, CollectingSink sink) throws Exception {
        assertThat(sink.aggregates.size() + sink.failures.size()).isPositive();
        byte[] raw = Files.readAllBytes(file);
        List<String> decoded = IndependentDecoding.texts(raw);
        for (CollectingSink.Aggregate found : sink.aggregates) {
            AggregateReadSummary summary = found.summary();
            assertThat(summary.warnings()).as("what was tolerated to read " + found.location()).isNotEmpty();
            String reportId = summary.report().metadata().reportId();
            String text = decoded.stream()
                .filter(t -> REPORT_ID.matcher(t).results().anyMatch(m -> m.group(1).equals(reportId)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no independently decoded text has report_id " + reportId));
            assertThat(summary.records()).as("records").isEqualTo(RECORD.matcher(text).results().count());
            assertThat(summary.countSum()).as("count_sum")
                .isEqualTo(COUNT.matcher(text).results().mapToLong(m -> Long.parseLong(m.group(1))).sum());
            assertThat(found.records()).hasSize((int) summary.records());
        }
        String rawText = new String(raw, StandardCharsets.ISO_8859_1);
        for (CollectingSink.Failure found : sink.failures) {
            FailureReport report = found.report();
            assertThat(rawText).containsIgnoringCase("dmarc");
            assertThat(report.reportedDomain()).isPresent();
            assertThat(rawText).contains(report.reportedDomain().get());
            assertThat(report.sourceIp()).isPresent();
            assertThat(rawText).contains(report.sourceIpText().orElseThrow());
        }
    }

    /** Not read: a typed error that names the input and every part that could not be read. */
    private static void clearTypedFailure(Path file, ReportParseException failure, CollectingSink sink) {
        assertThat(failure.getMessage()).matches(CLEAR_FAILURE).contains(file.getFileName().toString());
        assertThat(failure.problem() == Problem.LIMIT_EXCEEDED).isEqualTo(failure instanceof LimitExceededException);
        assertThat(sink.aggregates).isEmpty();
        assertThat(sink.failures).isEmpty();
        for (CollectingSink.Unreadable part : sink.unreadable) {
            assertThat(failure.getMessage()).contains(part.location());
        }
        if (sink.unreadable.size() == 1) {
            assertThat(failure.problem()).isEqualTo(sink.unreadable.get(0).problem().problem());
        }
    }

    private static long seconds(String text) {
        return new BigDecimal(text).longValue();
    }

    private static InetAddress addressAtStart(String sourceIp) {
        return InetAddresses.forString(sourceIp.strip().split("[\\s(]", 2)[0]);
    }
}
