package io.jamesdmarc.cli.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

import io.jamesdmarc.storage.reporting.DailyFigures;
import io.jamesdmarc.storage.reporting.DomainActivity;
import io.jamesdmarc.storage.reporting.FailedRecord;
import io.jamesdmarc.storage.reporting.FailureReportRow;
import io.jamesdmarc.storage.reporting.Page;
import io.jamesdmarc.storage.reporting.Period;
import io.jamesdmarc.storage.reporting.PeriodSummary;
import io.jamesdmarc.storage.reporting.ReportRow;
import io.jamesdmarc.storage.reporting.SourceFigures;

/**
 * What the API answers, as JSON sees it (field names in snake_case; times in ISO 8601 UTC, days as
 * {@code YYYY-MM-DD}; rates in percent, two decimals; absent values as {@code null}).
 */
final class ApiViews {

    /** Periods longer than this get a monthly series instead of a daily one. */
    static final int MAX_DAILY_POINTS = 190;

    private ApiViews() {
    }

    record PeriodView(String from, String to, long days) {
        static PeriodView of(Period period) {
            return new PeriodView(period.first().toString(), period.last().toString(), period.days());
        }
    }

    record DomainView(String domain, long reports, long messages, long passMessages, long failMessages, double passRate,
                      long failureReports) {
        static DomainView of(DomainActivity domain) {
            return new DomainView(domain.domain(), domain.reports(), domain.messages(), domain.passMessages(), domain.failMessages(),
                rate(domain.passMessages(), domain.messages()), domain.failureReports());
        }
    }

    /** @param pendingReports stored reports not in the figures yet (being added; see SummaryKeeper) */
    record DomainsResponse(PeriodView period, long pendingReports, List<DomainView> domains) {
    }

    record ReportView(long id, String domain, String reporter, String reporterEmail, String reportId, String begin, String end,
                      String policy, String format, long records, long messages, long passMessages, long failMessages, double passRate,
                      String storedAt, String origin, String deliveryDmarc) {
        static ReportView of(ReportRow row) {
            return new ReportView(row.id(), row.domain(), row.reporter(), row.reporterEmail(), row.reportId(), iso(row.begin()),
                iso(row.end()), row.policy(), row.format(), row.records(), row.messages(), row.passMessages(), row.failMessages(),
                rate(row.passMessages(), row.messages()), iso(row.storedAt()), row.origin(), row.messageDmarcResult().orElse(null));
        }
    }

    record ReportsResponse(long total, int limit, long offset, Long nextOffset, List<ReportView> reports) {
        static ReportsResponse of(Page<ReportRow> page) {
            return new ReportsResponse(page.total(), page.request().limit(), page.request().offset(), nextOffsetOf(page),
                page.items().stream().map(ReportView::of).toList());
        }
    }

    record PolicyApplied(long none, long quarantine, long reject) {
    }

    record SeriesPoint(String date, long reports, long messages, long passMessages, long failMessages, double passRate,
                       long none, long quarantine, long reject, long failureReports) {
    }

    /** @param pendingReports stored reports (of any domain) not in the figures yet */
    record SummaryResponse(String domain, PeriodView period, long reports, long sources, long messages, long passMessages,
                           long failMessages, double passRate, double failRate, PolicyApplied policyApplied, long failureReports,
                           long pendingReports, String seriesGranularity, List<SeriesPoint> series) {
        static SummaryResponse of(PeriodSummary summary, long pendingReports) {
            boolean daily = summary.period().days() <= MAX_DAILY_POINTS;
            return new SummaryResponse(summary.domain(), PeriodView.of(summary.period()), summary.reports(), summary.sources(),
                summary.messages(), summary.passMessages(), summary.failMessages(), rate(summary.passMessages(), summary.messages()),
                rate(summary.failMessages(), summary.messages()), new PolicyApplied(summary.none(), summary.quarantine(), summary.reject()),
                summary.failureReports(), pendingReports, daily ? "day" : "month", daily ? dailySeries(summary) : monthlySeries(summary));
        }
    }

    record AuthView(long pass, long alignedPass, double alignedRate) {
    }

    record ReporterView(String name, long reports, long messages) {
    }

    record SourceView(String ip, String ptr, String ptrStatus, long reports, long records, long messages, long passMessages,
                      long failMessages, double passRate, AuthView dkim, AuthView spf, PolicyApplied policyApplied,
                      List<ReporterView> reporters) {
        static SourceView of(SourceFigures source, ReverseNames names) {
            ReverseNames.Name name = source.address().map(names::lookup).orElse(ReverseNames.Name.NONE);
            return new SourceView(source.sourceIp(), name.name().orElse(null), name.status().json(), source.reports(), source.records(),
                source.messages(), source.passMessages(), source.failMessages(), rate(source.passMessages(), source.messages()),
                new AuthView(source.dkimPass(), source.dkimAligned(), rate(source.dkimAligned(), source.messages())),
                new AuthView(source.spfPass(), source.spfAligned(), rate(source.spfAligned(), source.messages())),
                new PolicyApplied(source.none(), source.quarantine(), source.reject()),
                source.reporters().stream().map(r -> new ReporterView(r.reporter(), r.reports(), r.messages())).toList());
        }
    }

    record SourcesResponse(String domain, PeriodView period, String sort, long total, int limit, long offset, Long nextOffset,
                           List<SourceView> sources) {
    }

    record FailureReportView(long id, String time, String kind, String authFailure, String identityAlignment, String sourceIp,
                             String originalMailFrom, String deliveryResult, String dkimDomain, String dkimSelector, String spfDns,
                             String subject, String from, String userAgent) {
        static FailureReportView of(FailureReportRow row) {
            return new FailureReportView(row.id(), iso(row.time()), row.kind(), orNull(row.authFailure()), orNull(row.identityAlignment()),
                orNull(row.sourceIp()), orNull(row.originalMailFrom()), orNull(row.deliveryResult()), orNull(row.dkimDomain()),
                orNull(row.dkimSelector()), orNull(row.spfDns()), orNull(row.subject()), orNull(row.from()), orNull(row.userAgent()));
        }
    }

    record FailedRecordView(long aggregateReportId, int recordNo, String reporter, String begin, String end, String sourceIp,
                            long messages, String disposition, String policyDkim, String policySpf, String headerFrom,
                            String envelopeFrom, List<String> dkim, List<String> spf) {
        static FailedRecordView of(FailedRecord record) {
            return new FailedRecordView(record.reportId(), record.recordNo(), record.reporter(), iso(record.begin()), iso(record.end()),
                record.sourceIp(), record.messages(), record.disposition(), orNull(record.policyDkim()), orNull(record.policySpf()),
                orNull(record.headerFrom()), orNull(record.envelopeFrom()), record.dkim(), record.spf());
        }
    }

    record ListView<T>(long total, Long nextOffset, List<T> items) {
        static <R, T> ListView<T> of(Page<R> page, Function<R, T> view) {
            return new ListView<>(page.total(), nextOffsetOf(page), page.items().stream().map(view).toList());
        }
    }

    record FailuresResponse(String domain, PeriodView period, int limit, long offset, ListView<FailureReportView> failureReports,
                            ListView<FailedRecordView> failedRecords) {
    }

    record ErrorResponse(int status, String error, String parameter, String message) {
    }

    record ConfigResponse(boolean demo, boolean tokenRequired, String version, String today) {
    }

    static <T> Long nextOffsetOf(Page<T> page) {
        long next = page.request().offset() + page.items().size();
        return next < page.total() && !page.items().isEmpty() ? next : null;
    }

    /** {@code part} in percent of {@code whole}, two decimals; 0 when the whole is 0. */
    static double rate(long part, long whole) {
        return whole == 0 ? 0 : Math.round(10_000.0 * part / whole) / 100.0;
    }

    static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String orNull(Optional<String> value) {
        return value.orElse(null);
    }

    private static List<SeriesPoint> dailySeries(PeriodSummary summary) {
        Map<LocalDate, DailyFigures> byDay = new TreeMap<>();
        summary.days().forEach(day -> byDay.put(day.day(), day));
        List<SeriesPoint> points = new ArrayList<>();
        for (LocalDate day = summary.period().first(); !day.isAfter(summary.period().last()); day = day.plusDays(1)) {
            DailyFigures figures = byDay.get(day);
            points.add(figures == null ? point(day.toString(), List.of()) : point(day.toString(), List.of(figures)));
        }
        return points;
    }

    private static List<SeriesPoint> monthlySeries(PeriodSummary summary) {
        Map<YearMonth, List<DailyFigures>> byMonth = new TreeMap<>();
        for (YearMonth month = YearMonth.from(summary.period().first()); !month.isAfter(YearMonth.from(summary.period().last()));
             month = month.plusMonths(1)) {
            byMonth.put(month, new ArrayList<>());
        }
        summary.days().forEach(day -> byMonth.get(YearMonth.from(day.day())).add(day));
        List<SeriesPoint> points = new ArrayList<>();
        byMonth.forEach((month, days) -> points.add(point(month.toString(), days)));
        return points;
    }

    private static SeriesPoint point(String date, List<DailyFigures> days) {
        DailyFigures.Totals t = DailyFigures.sum(days);
        return new SeriesPoint(date, t.reports(), t.messages(), t.passMessages(), t.messages() - t.passMessages(),
            rate(t.passMessages(), t.messages()), t.none(), t.quarantine(), t.reject(), t.failureReports());
    }
}
