package io.jamesdmarc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.testing.IndependentDecoding;

/**
 * {@code dmarc parse} over every file of the shared corpus, one run per file, against EXPECTED.tsv.
 *
 * <p>An OK row must give exactly one line, of its kind, with the expected fields, and exit 0.
 *
 * <p>An ERROR row is where a deliberately simple reader gave up. Ours reads some of those, for
 * reasons that hold for any file, not for named ones: bytes after the end of a gzip stream (a
 * trailing CRLF, garbage) are ignored with a warning; a document wrapped in a stray unclosed
 * element before its {@code <feedback>} is read from the feedback on; bytes that are not UTF-8 are
 * read as windows-1252; a failure notice in plain text (no ARF part) is recognised by what it
 * states. Whatever it reads must then be proven right without the file's name: every aggregate line
 * must agree with a plain text scan of the same report decoded by the JDK's own decoders and
 * jakarta.mail (report_id, period, number of {@code <record>}, sum of {@code <count>}, sum of the
 * counts whose policy_evaluated dkim or spf says pass), and every failure line must name a reported
 * domain and a source address found in the raw text. What it does not read must come out as one
 * error line with a typed problem and a reason naming the file, and exit 1.
 */
class ParseCorpusTest {

    private static final Pattern RECORD = Pattern.compile("<record>(.*?)</record>", Pattern.DOTALL);
    private static final Pattern COUNT = Pattern.compile("<count>\\s*(\\d+)\\s*</count>");
    private static final Pattern POLICY_PASS = Pattern.compile(
        "<policy_evaluated>.*?<(dkim|spf)>\\s*pass\\s*</\\1>.*?</policy_evaluated>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Set<String> PROBLEMS = Stream.concat(
        Stream.of(ReportParseException.Problem.values()).map(Enum::name), Stream.of(ParseCommand.UNREADABLE_FILE)).collect(Collectors.toSet());

    @Test
    void everyCorpusFileHasItsRow() throws Exception {
        Corpus corpus = Corpus.require();
        Set<String> rows = corpus.expected().stream().map(Corpus.Expected::path).collect(Collectors.toSet());
        try (Stream<Path> files = Stream.of("aggregate", "failure").flatMap(kind -> walk(corpus.root().resolve(kind)))) {
            assertThat(files.map(file -> corpus.root().relativize(file).toString())).containsExactlyInAnyOrderElementsOf(rows);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusFile() {
        Corpus corpus = Corpus.require();
        return corpus.expected().stream()
            .map(row -> DynamicTest.dynamicTest(row.status() + ": " + row.path(), () -> check(corpus.file(row.path()), row)));
    }

    @Test
    void theWholeCorpusInOneRunGivesEachFileItsLinesAndExit1ForTheBadOnes() {
        Corpus corpus = Corpus.require();
        DmarcRun all = DmarcRun.of("parse", corpus.root().resolve("aggregate").toString(), corpus.root().resolve("failure").toString());

        assertThat(all.status()).as(all.err()).isEqualTo(1);
        Map<String, Long> linesPerFile = all.jsonLines().stream().collect(Collectors.groupingBy(line -> line.get("file").asText(),
            Collectors.counting()));
        for (Corpus.Expected row : corpus.expected()) {
            String file = corpus.file(row.path()).toString();
            long alone = DmarcRun.of("parse", file).jsonLines().size();
            assertThat(linesPerFile.get(file)).as(file).isEqualTo(alone);
        }
        assertThat(linesPerFile).hasSize(corpus.expected().size());
    }

    private static void check(Path file, Corpus.Expected row) throws Exception {
        DmarcRun run = DmarcRun.of("parse", file.toString());
        List<JsonNode> lines = run.jsonLines();
        assertThat(lines).as("lines of %s", run).isNotEmpty();
        assertThat(lines).allSatisfy(line -> assertThat(line.get("file").asText()).isEqualTo(file.toString()));
        List<JsonNode> reports = lines.stream().filter(line -> !line.get("kind").asText().equals("error")).toList();
        List<JsonNode> errors = lines.stream().filter(line -> line.get("kind").asText().equals("error")).toList();
        errors.forEach(error -> assertClearError(file, error));

        if (row.ok()) {
            assertThat(run.status()).as(run.toString()).isZero();
            assertThat(lines).hasSize(1);
            JsonNode line = lines.get(0);
            if (row.aggregate()) {
                assertAggregate(line, row);
            } else {
                assertFailure(line, row);
            }
        } else if (!reports.isEmpty()) {
            assertThat(run.status()).as(run.toString()).isEqualTo(errors.isEmpty() ? 0 : 1);
            provenRight(file, reports);
        } else {
            assertThat(run.status()).as(run.toString()).isEqualTo(1);
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).has("location")).as("an input with no report has no location").isFalse();
        }
    }

    private static void assertAggregate(JsonNode line, Corpus.Expected row) {
        assertThat(fieldNames(line)).containsExactly("file", "kind", "org_name", "report_id", "policy_domain", "begin", "end", "records",
            "count_sum", "dmarc_pass_count");
        assertThat(line.get("kind").asText()).isEqualTo("aggregate");
        assertThat(line.get("org_name").asText()).as("org_name").isEqualTo(row.field("org_name"));
        assertThat(line.get("report_id").asText()).as("report_id").isEqualTo(row.field("report_id"));
        assertThat(line.get("policy_domain").asText()).as("policy_domain").isEqualTo(row.field("policy_domain"));
        // EXPECTED.tsv may write 1337270400.0: the number, not the text, counts
        assertThat(line.get("begin").isIntegralNumber()).isTrue();
        assertThat(line.get("begin").asLong()).as("begin").isEqualTo(new BigDecimal(row.field("begin")).longValueExact());
        assertThat(line.get("end").asLong()).as("end").isEqualTo(new BigDecimal(row.field("end")).longValueExact());
        assertThat(line.get("records").asLong()).as("records").isEqualTo(Long.parseLong(row.field("records")));
        assertThat(line.get("count_sum").asLong()).as("count_sum").isEqualTo(Long.parseLong(row.field("count_sum")));
        assertThat(line.get("dmarc_pass_count").asLong()).as("dmarc_pass_count").isEqualTo(Long.parseLong(row.field("dmarc_pass_count")));
    }

    private static void assertFailure(JsonNode line, Corpus.Expected row) {
        assertThat(fieldNames(line)).containsExactly("file", "kind", "feedback_type", "auth_failure", "source_ip", "reported_domain",
            "original_mail_from", "arrival_date");
        assertThat(line.get("kind").asText()).isEqualTo("failure");
        assertThat(text(line, "feedback_type")).as("feedback_type").isEqualTo(row.field("feedback_type"));
        assertThat(text(line, "auth_failure")).as("auth_failure").isEqualTo(row.field("auth_failure"));
        // EXPECTED keeps Source-IP as written, host name and all; the line holds the address alone
        String expectedAddress = row.field("source_ip").strip().split("[\\s(]", 2)[0];
        assertThat(InetAddresses.forString(text(line, "source_ip"))).as("source_ip").isEqualTo(InetAddresses.forString(expectedAddress));
        assertThat(text(line, "reported_domain")).as("reported_domain").isEqualTo(row.field("reported_domain"));
        assertThat(text(line, "original_mail_from")).as("original_mail_from").isEqualTo(row.field("original_mail_from"));
        assertThat(text(line, "arrival_date")).as("arrival_date").isEqualTo(row.field("arrival_date"));
    }

    /** Lines for a file the simple reader gave up on: right by an independent reading of the same bytes. */
    private static void provenRight(Path file, List<JsonNode> reports) throws Exception {
        byte[] raw = Files.readAllBytes(file);
        List<String> decoded = IndependentDecoding.texts(raw);
        String rawText = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (JsonNode line : reports) {
            if (line.get("kind").asText().equals("aggregate")) {
                String reportId = line.get("report_id").asText();
                String text = decoded.stream().filter(t -> t.contains("<report_id>" + reportId + "</report_id>")
                        || t.matches("(?s).*<report_id>\\s*" + Pattern.quote(reportId) + "\\s*</report_id>.*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no independently decoded text has report_id " + reportId));
                assertThat(text).contains("<begin>" + line.get("begin").asLong() + "</begin>", "<end>" + line.get("end").asLong() + "</end>");
                List<String> records = RECORD.matcher(text).results().map(m -> m.group(1)).toList();
                assertThat(line.get("records").asLong()).as("records").isEqualTo(records.size());
                assertThat(line.get("count_sum").asLong()).as("count_sum").isEqualTo(records.stream().mapToLong(ParseCorpusTest::count).sum());
                assertThat(line.get("dmarc_pass_count").asLong()).as("dmarc_pass_count")
                    .isEqualTo(records.stream().filter(r -> POLICY_PASS.matcher(r).find()).mapToLong(ParseCorpusTest::count).sum());
            } else {
                assertThat(rawText).containsIgnoringCase("dmarc");
                assertThat(rawText).contains(text(line, "reported_domain"));
                assertThat(InetAddresses.isInetAddress(text(line, "source_ip"))).isTrue();
                assertThat(rawText).contains(text(line, "source_ip"));
            }
        }
    }

    private static void assertClearError(Path file, JsonNode error) {
        assertThat(fieldNames(error)).contains("file", "kind", "problem", "error");
        assertThat(PROBLEMS).contains(error.get("problem").asText());
        // the reason names the input and says something beyond the problem's name
        assertThat(error.get("error").asText()).contains(file.getFileName().toString()).hasSizeGreaterThan(file.getFileName().toString().length() + 10);
    }

    private static long count(String record) {
        Matcher count = COUNT.matcher(record);
        return count.find() ? Long.parseLong(count.group(1)) : 0;
    }

    private static String text(JsonNode line, String field) {
        JsonNode value = line.get(field);
        assertThat(value).as("field %s present (null when the report lacks it)", field).isNotNull();
        return value.isNull() ? "" : value.asText();
    }

    private static List<String> fieldNames(JsonNode line) {
        List<String> names = new java.util.ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Stream<Path> walk(Path folder) {
        try {
            return Files.walk(folder).filter(Files::isRegularFile).toList().stream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
