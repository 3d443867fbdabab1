package io.jamesdmarc.storage.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.storage.reporting.ExpectedFigures.Failure;
import io.jamesdmarc.storage.reporting.ExpectedFigures.Report;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The dashboard queries against figures computed in Java from the reports delivered (no SQL): every
 * period of whole days around the data (so that every way of cutting a period into spans is met),
 * every domain, every page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardQueriesContract {

    private static final LocalDate FIRST = LocalDate.of(2026, 4, 28);
    private static final LocalDate LAST = LocalDate.of(2026, 5, 14);

    private DashboardQueries queries;
    private ExpectedFigures expected;

    protected abstract TestDatabase database();

    /** Called once the data set is stored: builds the summaries the queries read. */
    protected abstract void summarize(TestDatabase database) throws Exception;

    @BeforeAll
    void load() throws Exception {
        ReportDataSet.Delivered delivered = new GeneratedDataSet(20260601L).load(database().database().reportStore());
        assertThat(database().database().dashboardSummaries().pending()).as("storing reports does not summarize them").isPositive();
        summarize(database());
        assertThat(database().database().dashboardSummaries().pending()).isZero();
        expected = new ExpectedFigures(delivered);
        queries = database().database().dashboardQueries();
    }

    Stream<Period> periods() {
        List<Period> periods = new ArrayList<>();
        for (LocalDate first = FIRST; !first.isAfter(LAST); first = first.plusDays(1)) {
            for (LocalDate last = first; !last.isAfter(LAST); last = last.plusDays(1)) {
                periods.add(new Period(first, last));
            }
        }
        // longer periods, their ends in every place of the 27- and 81-day spans
        for (int shift = 0; shift < 81; shift += 7) {
            periods.add(new Period(LocalDate.of(2026, 2, 1).plusDays(shift), LocalDate.of(2026, 5, 9).plusDays(shift / 2)));
        }
        periods.add(new Period(LocalDate.of(2000, 1, 1), LocalDate.of(2030, 12, 31)));
        return periods.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("periods")
    void summariesCountWhatTheReportsSay(Period period) throws Exception {
        for (String domain : GeneratedDataSet.DOMAINS) {
            PeriodSummary summary = queries.summary(domain.toUpperCase(), period);
            Optional<DomainSummary> wanted = expected.domainSummaries(period.filter(domain)).stream().findFirst();
            String what = domain + " " + period;
            assertThat(summary.domain()).isEqualTo(domain);
            assertThat(summary.reports()).as(what).isEqualTo(wanted.map(DomainSummary::reports).orElse(0L));
            assertThat(summary.sources()).as(what).isEqualTo(wanted.map(DomainSummary::sources).orElse(0L));
            assertThat(summary.messages()).as(what).isEqualTo(wanted.map(DomainSummary::messages).orElse(0L));
            assertThat(summary.passMessages()).as(what).isEqualTo(wanted.map(DomainSummary::passMessages).orElse(0L));
            assertThat(summary.none()).as(what).isEqualTo(wanted.map(DomainSummary::none).orElse(0L));
            assertThat(summary.quarantine()).as(what).isEqualTo(wanted.map(DomainSummary::quarantine).orElse(0L));
            assertThat(summary.reject()).as(what).isEqualTo(wanted.map(DomainSummary::reject).orElse(0L));
            assertThat(summary.failureReports()).as(what).isEqualTo(failures(domain, period).size());
            assertThat(summary.days()).as(what).isEqualTo(expectedDays(domain, period));
            if (summary.messages() > 0) {
                assertThat(summary.passRate() + summary.failRate()).isCloseTo(100.0, within(1e-9));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("periods")
    void sourcesAddUpPerAddressWithTheirReporters(Period period) throws Exception {
        for (String domain : GeneratedDataSet.DOMAINS) {
            Map<String, SourceFigures> wanted = expectedSources(domain, period);
            Page<SourceFigures> page = queries.sources(domain, period, SourceOrder.MESSAGES, new PageRequest(PageRequest.MAX_LIMIT, 0));

            assertThat(page.total()).as(domain + " " + period).isEqualTo(wanted.size());
            assertThat(page.items()).as(domain + " " + period).containsExactlyInAnyOrderElementsOf(wanted.values());
            assertThat(page.items()).isSortedAccordingTo(Comparator.comparingLong(SourceFigures::messages).reversed());
        }
    }

    @Test
    void sourcesComeInPagesAndInEitherOrder() throws Exception {
        Period period = new Period(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 12));
        String domain = "example.com";
        List<SourceFigures> all = queries.sources(domain, period, SourceOrder.FAIL_MESSAGES, new PageRequest(1000, 0)).items();
        assertThat(all).hasSizeGreaterThan(10);
        assertThat(all).isSortedAccordingTo(Comparator.comparingLong(SourceFigures::failMessages).reversed());

        List<SourceFigures> paged = new ArrayList<>();
        for (int offset = 0; offset < all.size(); offset += 7) {
            Page<SourceFigures> page = queries.sources(domain, period, SourceOrder.FAIL_MESSAGES, new PageRequest(7, offset));
            assertThat(page.total()).isEqualTo(all.size());
            paged.addAll(page.items());
        }
        assertThat(paged).isEqualTo(all);
        assertThat(queries.sources(domain, period, SourceOrder.MESSAGES, new PageRequest(5, all.size())).items()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("periods")
    void failedRecordsNewestReportFirstInPages(Period period) throws Exception {
        for (String domain : GeneratedDataSet.DOMAINS) {
            List<String> wanted = expectedFailedRecords(domain, period);
            Page<FailedRecord> all = queries.failedRecords(domain, period, new PageRequest(PageRequest.MAX_LIMIT, 0));
            assertThat(all.total()).as(domain + " " + period).isEqualTo(wanted.size());
            assertThat(all.items()).extracting(this::describeFailed).as(domain + " " + period)
                .isEqualTo(wanted.subList(0, Math.min(wanted.size(), PageRequest.MAX_LIMIT)));

            List<FailedRecord> paged = new ArrayList<>();
            for (int offset = 0; offset < Math.min(wanted.size(), 40); offset += 6) {
                paged.addAll(queries.failedRecords(domain, period, new PageRequest(6, offset)).items());
            }
            assertThat(paged).extracting(this::describeFailed)
                .isEqualTo(wanted.subList(0, Math.min(wanted.size(), ((Math.min(wanted.size(), 40) + 5) / 6) * 6)));
        }
    }

    @Test
    void failedRecordsCarryTheirAuthenticationResults() throws Exception {
        Period period = new Period(LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 12));
        FailedRecord record = queries.failedRecords("example.org", period, PageRequest.first(1)).items().get(0);
        assertThat(record.policyDkim().orElse("none")).isNotEqualTo("pass");
        assertThat(record.policySpf().orElse("none")).isNotEqualTo("pass");
        assertThat(record.dkim()).containsExactly("example.org (s=s1): pass");
        assertThat(record.spf()).containsExactly("example.org (mfrom): pass");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("periods")
    void failureReportsNewestFirst(Period period) throws Exception {
        for (String domain : GeneratedDataSet.DOMAINS) {
            List<Failure> wanted = failures(domain, period);
            Page<FailureReportRow> page = queries.failureReports(domain, period, new PageRequest(100, 0));
            assertThat(page.total()).isEqualTo(wanted.size());
            assertThat(page.items()).extracting(FailureReportRow::time).containsExactlyElementsOf(wanted.stream().map(Failure::time).toList());
            assertThat(page.items()).extracting(row -> row.sourceIp().orElseThrow())
                .containsExactlyElementsOf(wanted.stream().map(f -> f.report().sourceIpText().orElseThrow()).toList());
        }
    }

    @Test
    void reportsAreListedNewestFirstFilteredAndPaged() throws Exception {
        List<Report> all = expected.reports();
        Page<ReportRow> everything = queries.reports(ReportSearch.ALL, new PageRequest(1000, 0));
        assertThat(everything.total()).isEqualTo(all.size());
        assertThat(everything.items()).extracting(DashboardQueriesContract::describe).isEqualTo(newestFirst(all));

        ReportSearch search = ReportSearch.ALL.withDomain("Example.org.").withReporter("YAHOO")
            .withPeriod(new Period(LocalDate.of(2026, 5, 3), LocalDate.of(2026, 5, 8)));
        List<String> wanted = newestFirst(all.stream().filter(r -> r.domain().equals("example.org"))
            .filter(r -> r.header().metadata().orgName().equals("Yahoo"))
            .filter(r -> !r.begin().isBefore(Instant.parse("2026-05-03T00:00:00Z")) && r.begin().isBefore(Instant.parse("2026-05-09T00:00:00Z")))
            .toList());
        assertThat(wanted).isNotEmpty();
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < wanted.size(); offset += 2) {
            Page<ReportRow> page = queries.reports(search, new PageRequest(2, offset));
            assertThat(page.total()).isEqualTo(wanted.size());
            page.items().stream().map(DashboardQueriesContract::describe).forEach(paged::add);
        }
        assertThat(paged).isEqualTo(wanted);
    }

    @Test
    void domainsAreListedWithTheirFiguresBusiestFirst() throws Exception {
        Period period = new Period(LocalDate.of(2026, 5, 2), LocalDate.of(2026, 5, 5));
        List<DomainActivity> domains = queries.domains(period);
        assertThat(domains).extracting(DomainActivity::domain).containsExactlyInAnyOrderElementsOf(GeneratedDataSet.DOMAINS);
        assertThat(domains).isSortedAccordingTo(Comparator.comparingLong(DomainActivity::messages).reversed());
        for (DomainActivity domain : domains) {
            DomainSummary wanted = expected.domainSummaries(period.filter(domain.domain())).get(0);
            assertThat(domain.reports()).isEqualTo(wanted.reports());
            assertThat(domain.messages()).isEqualTo(wanted.messages());
            assertThat(domain.passMessages()).isEqualTo(wanted.passMessages());
            assertThat(domain.failureReports()).isEqualTo(failures(domain.domain(), period).size());
        }
        assertThat(queries.domains(new Period(LocalDate.of(1999, 1, 1), LocalDate.of(1999, 1, 2))))
            .allSatisfy(domain -> assertThat(domain.messages()).isZero()).hasSize(GeneratedDataSet.DOMAINS.size());
    }

    @Test
    void knowsTheDomainsItHasReportsAbout() throws Exception {
        assertThat(queries.knownDomain("Shop.Example.NET.")).isTrue();
        assertThat(queries.knownDomain("example.invalid")).isFalse();
    }

    // ------------------------------------------------------------------ expectations, in plain Java

    private List<Report> reports(String domain, Period period) {
        return expected.reports().stream().filter(r -> r.domain().equals(domain))
            .filter(r -> !r.begin().isBefore(period.since()) && r.begin().isBefore(period.until())).toList();
    }

    private List<Failure> failures(String domain, Period period) {
        List<Failure> list = new ArrayList<>(expected.failures().stream()
            .filter(f -> f.domain().equals(Optional.of(domain)))
            .filter(f -> !f.time().isBefore(period.since()) && f.time().isBefore(period.until())).toList());
        // newest first; of two at the same time, the one stored last
        List<Failure> order = expected.failures();
        list.sort(Comparator.comparing(Failure::time).thenComparing(order::indexOf).reversed());
        return list;
    }

    private List<DailyFigures> expectedDays(String domain, Period period) {
        Map<LocalDate, long[]> days = new TreeMap<>();
        for (Report report : reports(domain, period)) {
            long[] figures = days.computeIfAbsent(LocalDate.ofInstant(report.begin(), ZoneOffset.UTC), d -> new long[7]);
            figures[0]++;
            for (ReportRecord record : report.records()) {
                figures[1] += record.count();
                figures[2] += passes(record) ? record.count() : 0;
                String disposition = record.policyEvaluated().disposition().raw().toLowerCase();
                figures[3] += disposition.equals("none") || disposition.equals("pass") ? record.count() : 0;
                figures[4] += disposition.equals("quarantine") ? record.count() : 0;
                figures[5] += disposition.equals("reject") ? record.count() : 0;
            }
        }
        for (Failure failure : failures(domain, period)) {
            days.computeIfAbsent(LocalDate.ofInstant(failure.time(), ZoneOffset.UTC), d -> new long[7])[6]++;
        }
        List<DailyFigures> list = new ArrayList<>();
        days.forEach((day, f) -> list.add(new DailyFigures(day, f[0], f[1], f[2], f[3], f[4], f[5], f[6])));
        return list;
    }

    private Map<String, SourceFigures> expectedSources(String domain, Period period) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        Map<String, Map<String, long[]>> reporters = new HashMap<>();
        for (Report report : reports(domain, period)) {
            Map<String, Boolean> seenInReport = new HashMap<>();
            for (ReportRecord record : report.records()) {
                String source = record.sourceIp().text();
                long[] f = sums.computeIfAbsent(source, s -> new long[11]);
                long count = record.count();
                if (seenInReport.put(source, true) == null) {
                    f[0]++;
                    long[] share = reporters.computeIfAbsent(source, s -> new TreeMap<>())
                        .computeIfAbsent(report.header().metadata().orgName(), r -> new long[2]);
                    share[0]++;
                }
                reporters.get(source).get(report.header().metadata().orgName())[1] += count;
                f[1]++;
                f[2] += count;
                f[3] += passes(record) ? count : 0;
                f[4] += isPass(record.policyEvaluated().dkim()) ? count : 0;
                f[5] += isPass(record.policyEvaluated().spf()) ? count : 0;
                f[6] += record.dkim().stream().anyMatch(d -> d.result().raw().equalsIgnoreCase("pass")) ? count : 0;
                f[7] += record.spf().stream().anyMatch(s -> s.result().raw().equalsIgnoreCase("pass")
                    && !s.scope().map(scope -> scope.raw().equalsIgnoreCase("helo")).orElse(false)) ? count : 0;
                String disposition = record.policyEvaluated().disposition().raw().toLowerCase();
                f[8] += disposition.equals("none") || disposition.equals("pass") ? count : 0;
                f[9] += disposition.equals("quarantine") ? count : 0;
                f[10] += disposition.equals("reject") ? count : 0;
            }
        }
        Map<String, SourceFigures> figures = new LinkedHashMap<>();
        sums.forEach((source, f) -> {
            List<SourceFigures.ReporterShare> shares = reporters.get(source).entrySet().stream()
                .map(e -> new SourceFigures.ReporterShare(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(SourceFigures.ReporterShare::reports).reversed()
                    .thenComparing(Comparator.comparingLong(SourceFigures.ReporterShare::messages).reversed())
                    .thenComparing(SourceFigures.ReporterShare::reporter, String.CASE_INSENSITIVE_ORDER))
                .toList();
            figures.put(source, new SourceFigures(source, io.jamesdmarc.model.aggregate.SourceIp.parse(source).address(), f[0], f[1], f[2],
                f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], shares));
        });
        return figures;
    }

    private List<String> expectedFailedRecords(String domain, Period period) {
        List<Report> order = expected.reports();
        List<Report> newest = new ArrayList<>(reports(domain, period));
        newest.sort(Comparator.comparing(Report::begin).thenComparing(order::indexOf).reversed());
        List<String> rows = new ArrayList<>();
        for (Report report : newest) {
            for (int i = 0; i < report.records().size(); i++) {
                ReportRecord record = report.records().get(i);
                if (!passes(record)) {
                    rows.add(report.header().metadata().reportId() + "@" + report.begin() + "#" + (i + 1) + " " + record.sourceIp().text()
                        + " x" + record.count() + " " + record.policyEvaluated().disposition().text());
                }
            }
        }
        return rows;
    }

    private List<String> newestFirst(List<Report> reports) {
        List<Report> order = expected.reports();
        return reports.stream().sorted(Comparator.comparing(Report::begin).thenComparing(order::indexOf).reversed())
            .map(r -> r.header().metadata().reportId() + "@" + r.begin() + " " + r.records().size() + "/" + r.messages()).toList();
    }

    private String describeFailed(FailedRecord record) {
        String reportId = reportIdOf(record.reportId());
        return reportId + "@" + record.begin() + "#" + record.recordNo() + " " + record.sourceIp() + " x" + record.messages() + " "
            + record.disposition();
    }

    private final Map<Long, String> reportIds = new HashMap<>();

    private String reportIdOf(long id) {
        return reportIds.computeIfAbsent(id, key -> {
            try {
                return queries.reports(ReportSearch.ALL, new PageRequest(1000, 0)).items().stream().filter(r -> r.id() == key)
                    .findFirst().orElseThrow().reportId();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String describe(ReportRow row) {
        return row.reportId() + "@" + row.begin() + " " + row.records() + "/" + row.messages();
    }

    private static boolean passes(ReportRecord record) {
        return isPass(record.policyEvaluated().dkim()) || isPass(record.policyEvaluated().spf());
    }

    private static boolean isPass(Optional<? extends Enumerated<?>> result) {
        return result.map(value -> value.raw().equalsIgnoreCase("pass")).orElse(false);
    }
}
