package io.jamesdmarc.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.jamesdmarc.cli.importing.Importer;
import io.jamesdmarc.cli.importing.InputOutcome;
import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.cli.inputs.InputFile;
import io.jamesdmarc.cli.inputs.InputFinder;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.testing.Corpus;
import io.jamesdmarc.model.unpack.ReportExtractor;
import io.jamesdmarc.model.unpack.ReportSink;
import io.jamesdmarc.storage.reporting.Period;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The API over the whole shared corpus, imported as {@code dmarc import} imports it. Every figure is
 * checked against figures computed from the corpus parsed with the model alone (no SQL): per domain
 * the summary, its monthly series, every source, the failure reports and failing records; the
 * reports list with its filters and pages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiCorpusTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    /** "All time" for the corpus: its reports span 2012 to 2026. */
    private static final String ALL_TIME = "from=1970-01-01&to=2069-12-31";
    private static final Period ALL = new Period(LocalDate.of(1970, 1, 1), LocalDate.of(2069, 12, 31));

    private ModelFigures expected;
    private DashboardServer server;
    private ApiClient api;

    @BeforeAll
    void importTheCorpusAndServe() throws Exception {
        Corpus corpus = Corpus.require();
        List<Input> inputs = new ArrayList<>();
        for (InputFile file : InputFinder.find(List.of(corpus.root().resolve("aggregate"), corpus.root().resolve("failure")))) {
            inputs.addAll(file.open());
        }
        Instant importStart = Instant.now();
        Importer importer = new Importer(DB.database().reportStore(), new ReportExtractor(ParseLimits.DEFAULTS), Clock.systemUTC(),
            List.of(Duration.ofMillis(200)));
        for (Input input : inputs) {
            InputOutcome outcome = importer.importInput(input);
            assertThat(outcome.databaseFailed()).as(outcome.toString()).isFalse();
        }
        expected = parsedWithTheModel(inputs, importStart);
        assertThat(expected.aggregates()).as("the corpus has aggregate reports").hasSizeGreaterThan(30);

        server = DashboardServer.start(new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0), Optional.empty(), 4, false),
            DB.database(), ReverseNames.OFF, Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC));
        api = new ApiClient(server.url());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theDomainsAreThoseOfTheReportsWithTheirFigures() {
        JsonNode answer = ok("/api/exchange/dmarc-reports/domains?" + ALL_TIME);
        List<String> domains = new ArrayList<>();
        for (JsonNode domain : answer.get("domains")) {
            String name = domain.get("domain").asText();
            domains.add(name);
            ModelFigures.Summary wanted = expected.summary(name, ALL);
            assertThat(domain.get("reports").asLong()).as(name).isEqualTo(wanted.reports());
            assertThat(domain.get("messages").asLong()).as(name).isEqualTo(wanted.messages());
            assertThat(domain.get("pass_messages").asLong()).as(name).isEqualTo(wanted.pass());
            assertThat(domain.get("failure_reports").asLong()).as(name).isEqualTo(wanted.failureReports());
        }
        assertThat(domains).containsExactlyInAnyOrderElementsOf(expected.domains());
    }

    @Test
    void eachDomainsSummaryCountsWhatItsReportsSay() {
        for (String domain : expected.domains()) {
            JsonNode summary = ok("/api/exchange/dmarc-reports/" + domain + "/summary?" + ALL_TIME);
            ModelFigures.Summary wanted = expected.summary(domain, ALL);
            assertThat(summary.get("domain").asText()).isEqualTo(domain);
            assertThat(List.of(summary.get("reports").asLong(), summary.get("sources").asLong(), summary.get("messages").asLong(),
                summary.get("pass_messages").asLong(), summary.get("fail_messages").asLong(), summary.get("failure_reports").asLong()))
                .as("%s: reports, sources, messages, pass, fail, failure reports", domain)
                .containsExactly(wanted.reports(), wanted.sources(), wanted.messages(), wanted.pass(), wanted.fail(), wanted.failureReports());
            JsonNode applied = summary.get("policy_applied");
            assertThat(List.of(applied.get("none").asLong(), applied.get("quarantine").asLong(), applied.get("reject").asLong()))
                .as("%s: none, quarantine, reject", domain).containsExactly(wanted.none(), wanted.quarantine(), wanted.reject());
            assertThat(summary.get("pass_rate").asDouble()).isEqualTo(ModelFigures.rate(wanted.pass(), wanted.messages()));
            assertThat(summary.get("fail_rate").asDouble()).isEqualTo(ModelFigures.rate(wanted.fail(), wanted.messages()));

            // a century is a monthly series: every month of it, each with its reports' messages
            assertThat(summary.get("series_granularity").asText()).isEqualTo("month");
            Map<String, Long> months = new TreeMap<>();
            expected.messagesPerDay(domain, ALL).forEach((day, messages) -> months.merge(YearMonth.from(day).toString(), messages, Long::sum));
            Map<String, Long> shown = new TreeMap<>();
            for (JsonNode point : summary.get("series")) {
                if (point.get("messages").asLong() > 0) {
                    shown.put(point.get("date").asText(), point.get("messages").asLong());
                }
            }
            assertThat(summary.get("series")).hasSize(100 * 12);
            assertThat(shown).as(domain).isEqualTo(months);
        }
    }

    @Test
    void aDailySeriesHasEveryDayOfThePeriod() {
        ModelFigures.Aggregate busiest = expected.aggregates().stream()
            .max(java.util.Comparator.comparingLong(a -> a.records().stream().mapToLong(ReportRecord::count).sum())).orElseThrow();
        LocalDate day = busiest.day();
        Period period = new Period(day.minusDays(5), day.plusDays(4));
        JsonNode summary = ok("/api/exchange/dmarc-reports/" + busiest.domain() + "/summary?from=" + period.first() + "&to=" + period.last());

        assertThat(summary.get("series_granularity").asText()).isEqualTo("day");
        assertThat(summary.get("series")).hasSize(10);
        Map<LocalDate, Long> wanted = expected.messagesPerDay(busiest.domain(), period);
        for (JsonNode point : summary.get("series")) {
            LocalDate date = LocalDate.parse(point.get("date").asText());
            assertThat(point.get("messages").asLong()).as(date.toString()).isEqualTo(wanted.getOrDefault(date, 0L));
            assertThat(point.get("pass_messages").asLong() + point.get("fail_messages").asLong()).isEqualTo(point.get("messages").asLong());
        }
        assertThat(summary.get("messages").asLong()).isEqualTo(expected.summary(busiest.domain(), period).messages());
    }

    @Test
    void everySourceOfEveryDomainAddsUp() {
        for (String domain : expected.domains()) {
            Map<String, ModelFigures.Source> wanted = expected.sources(domain, ALL);
            Map<String, ModelFigures.Source> shown = new HashMap<>();
            long previous = Long.MAX_VALUE;
            Long offset = 0L;
            while (offset != null) {
                JsonNode answer = ok("/api/exchange/dmarc-reports/" + domain + "/sources?" + ALL_TIME + "&limit=500&offset=" + offset);
                assertThat(answer.get("total").asLong()).as(domain).isEqualTo(wanted.size());
                for (JsonNode source : answer.get("sources")) {
                    shown.put(source.get("ip").asText().toLowerCase(java.util.Locale.ROOT), new ModelFigures.Source(
                        source.get("reports").asLong(), source.get("messages").asLong(), source.get("pass_messages").asLong(),
                        source.get("dkim").get("aligned_pass").asLong(), source.get("spf").get("aligned_pass").asLong()));
                    assertThat(source.get("messages").asLong()).as("most messages first").isLessThanOrEqualTo(previous);
                    previous = source.get("messages").asLong();
                    assertThat(source.get("ptr_status").asText()).isIn("off", "none");
                    long reportsOfReporters = 0;
                    for (JsonNode reporter : source.get("reporters")) {
                        reportsOfReporters += reporter.get("reports").asLong();
                    }
                    assertThat(reportsOfReporters).isEqualTo(source.get("reports").asLong());
                }
                offset = answer.get("next_offset").isNull() ? null : answer.get("next_offset").asLong();
            }
            Map<String, String> differences = new TreeMap<>();
            for (String key : union(shown.keySet(), wanted.keySet())) {
                if (!java.util.Objects.equals(shown.get(key), wanted.get(key)) && differences.size() < 20) {
                    differences.put(key, "shown " + shown.get(key) + ", wanted " + wanted.get(key));
                }
            }
            assertThat(differences).as(domain + ": sources whose figures differ").isEmpty();
        }
    }

    @Test
    void failureReportsAndFailingRecordsOfEachDomain() {
        for (String domain : expected.domains()) {
            JsonNode answer = ok("/api/exchange/dmarc-reports/" + domain + "/failures?" + ALL_TIME + "&limit=500");
            assertThat(answer.get("failure_reports").get("total").asLong()).as(domain).isEqualTo(expected.failures(domain, ALL).size());
            assertThat(answer.get("failure_reports").get("items")).hasSize(expected.failures(domain, ALL).size());
            assertThat(answer.get("failed_records").get("total").asLong()).as(domain).isEqualTo(expected.failedRecords(domain, ALL));
            String previous = "9999";
            for (JsonNode record : answer.get("failed_records").get("items")) {
                assertThat(record.get("begin").asText()).as("newest first").isLessThanOrEqualTo(previous);
                previous = record.get("begin").asText();
                assertThat(record.get("policy_dkim").asText("none")).isNotEqualToIgnoringCase("pass");
                assertThat(record.get("policy_spf").asText("none")).isNotEqualToIgnoringCase("pass");
            }
        }
        assertThat(expected.domains().stream().mapToLong(d -> expected.failures(d, ALL).size()).sum()).as("the corpus has failure reports")
            .isPositive();
    }

    @Test
    void theReportsListIsNewestFirstFilteredAndPaged() {
        JsonNode all = ok("/api/exchange/dmarc-reports?limit=500");
        assertThat(all.get("total").asLong()).isEqualTo(expected.aggregates().size());
        assertThat(all.get("reports")).hasSize(expected.aggregates().size());
        assertThat(all.get("next_offset").isNull()).isTrue();
        String previous = "9999";
        for (JsonNode report : all.get("reports")) {
            assertThat(report.get("begin").asText()).isLessThanOrEqualTo(previous);
            previous = report.get("begin").asText();
        }

        // by domain and reporter (the reporter compared without regard to case), in pages of 3
        Set<String> wanted = new HashSet<>();
        for (ModelFigures.Aggregate aggregate : expected.aggregates()) {
            if (aggregate.domain().equals("example.com") && aggregate.header().metadata().orgName().equalsIgnoreCase("google.com")) {
                wanted.add(aggregate.header().metadata().reportId());
            }
        }
        assertThat(wanted).hasSizeGreaterThan(1);
        List<String> paged = new ArrayList<>();
        Long offset = 0L;
        while (offset != null) {
            JsonNode page = ok("/api/exchange/dmarc-reports?domain=Example.COM&reporter=GOOGLE.COM&limit=3&offset=" + offset);
            assertThat(page.get("total").asLong()).isEqualTo(wanted.size());
            page.get("reports").forEach(report -> {
                assertThat(report.get("domain").asText()).isEqualTo("example.com");
                paged.add(report.get("report_id").asText());
            });
            offset = page.get("next_offset").isNull() ? null : page.get("next_offset").asLong();
        }
        assertThat(paged).containsExactlyInAnyOrderElementsOf(wanted);

        // by period: the reports whose period begins in it
        ModelFigures.Aggregate one = expected.aggregates().get(0);
        String day = one.day().toString();
        long inPeriod = expected.aggregates().stream().filter(a -> a.day().equals(one.day())).count();
        JsonNode byDay = ok("/api/exchange/dmarc-reports?from=" + day + "&to=" + day);
        assertThat(byDay.get("total").asLong()).isEqualTo(inPeriod);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private JsonNode ok(String path) {
        ApiClient.Answer answer = api.get(path);
        assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        return answer.json();
    }

    /** The corpus as the model reads it: every report found in every input, read whole into memory. */
    private static ModelFigures parsedWithTheModel(List<Input> inputs, Instant importStart) throws Exception {
        ReportExtractor extractor = new ReportExtractor(ParseLimits.DEFAULTS);
        List<ModelFigures.Aggregate> aggregates = new ArrayList<>();
        List<ModelFigures.Failure> failures = new ArrayList<>();
        for (Input input : inputs) {
            try {
                extractor.extract(input.content(), input.displayName(), new ReportSink<RuntimeException>() {
                    @Override
                    public void aggregate(AggregateReportSource report) throws ReportParseException {
                        List<ReportRecord> records = new ArrayList<>();
                        AggregateReport[] header = new AggregateReport[1];
                        var summary = report.read(new AggregateReportHandler<RuntimeException>() {
                            @Override
                            public void header(AggregateReport value) {
                                header[0] = value;
                            }

                            @Override
                            public void record(ReportRecord record) {
                                records.add(record);
                            }
                        });
                        aggregates.add(new ModelFigures.Aggregate(header[0] != null ? header[0] : summary.report(), records));
                    }

                    @Override
                    public void failure(FailureReport report, String location) {
                        // without an Arrival-Date, a failure report counts when it was imported
                        failures.add(new ModelFigures.Failure(report, report.arrivalTime().orElse(importStart)));
                    }
                });
            } catch (ReportParseException e) {
                // no report in this input: the store keeps it as a rejected input, no figure counts it
            }
        }
        // a failure report is stored once per content: the same feedback fields are the same report
        return new ModelFigures(aggregates, failures, report -> Arrays.asList(report.feedbackType().orElse(null),
            report.sourceIpText().orElse(null), report.reportedDomain().orElse(null), report.originalMailFrom().orElse(null),
            report.arrivalDate().orElse(null)));
    }
}
