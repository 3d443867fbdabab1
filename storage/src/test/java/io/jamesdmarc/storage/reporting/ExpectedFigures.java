package io.jamesdmarc.storage.reporting;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.reporting.ReportDataSet.AggregateDelivery;
import io.jamesdmarc.storage.reporting.ReportDataSet.Delivered;
import io.jamesdmarc.storage.reporting.ReportDataSet.FailureDelivery;
import io.jamesdmarc.storage.reporting.ReportDataSet.RejectedDelivery;

/**
 * What every query of queries.sql should answer, computed in plain Java from the model objects that
 * were delivered: no SQL, its own deduplication, its own idea of pass and fail. Rows hold Long,
 * BigDecimal (rates, compared to a hundredth), String, LocalDate, LocalDateTime or null, in the
 * query's column order.
 */
final class ExpectedFigures {

    /** One aggregate report as first delivered. */
    record Report(ReceivedMessage message, AggregateReport header, List<ReportRecord> records) {
        String domain() {
            return normalisedDomain(header.policyPublished().domain());
        }

        Instant begin() {
            return header.metadata().dateRange().begin();
        }

        long messages() {
            return records.stream().mapToLong(ReportRecord::count).sum();
        }
    }

    record Failure(ReceivedMessage message, FailureReport report) {
        Instant time() {
            // the store keeps whole seconds
            return report.arrivalTime().orElse(message.receivedAt()).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        }

        Optional<String> domain() {
            return report.reportedDomain().map(ExpectedFigures::normalisedDomain);
        }
    }

    private final List<Report> reports = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final List<RejectedDelivery> rejected;
    private final Map<String, Function<ReportFilter, List<List<Object>>>> queries = new LinkedHashMap<>();

    ExpectedFigures(Delivered delivered) {
        Set<List<Object>> keys = new HashSet<>();
        for (AggregateDelivery delivery : delivered.aggregates()) {
            var metadata = delivery.header().metadata();
            List<Object> key = Arrays.asList(metadata.orgName(), metadata.email(), metadata.reportId(),
                normalisedDomain(delivery.header().policyPublished().domain()), metadata.dateRange().begin(), metadata.dateRange().end());
            if (keys.add(key)) {
                reports.add(new Report(delivery.message(), delivery.header(), delivery.records()));
            }
        }
        Set<List<Object>> seen = new HashSet<>();
        for (FailureDelivery delivery : delivered.failures()) {
            if (seen.add(sameContent(delivery))) {
                failures.add(new Failure(delivery.message(), delivery.report()));
            }
        }
        rejected = delivered.rejected();
        queries.put("domain_summary", this::domainSummaryRows);
        queries.put("daily_volume", this::dailyVolume);
        queries.put("policy_applied", this::policyApplied);
        queries.put("top_failing_sources", this::failingSources);
        queries.put("authentication_breakdown", this::authenticationBreakdown);
        queries.put("reporters", this::reporters);
        queries.put("unauthenticated_reports", this::unauthenticatedReports);
        queries.put("failure_reports_per_day", this::failuresPerDay);
        queries.put("rejected_inputs", this::rejectedInputs);
    }

    /** Every aggregate report as first delivered, in delivery order (the order the store numbers them). */
    List<Report> reports() {
        return List.copyOf(reports);
    }

    /** Every failure report as first delivered, in delivery order. */
    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /**
     * What makes two failure reports one (README, "Deduplication"): their content, whatever the case
     * of field names, the runs of white space and the line ends of the reported headers (a copy
     * saved with CRLF is the same report). A report stating nothing is its message's own.
     */
    private static List<Object> sameContent(FailureDelivery delivery) {
        FailureReport report = delivery.report();
        List<Object> key = new ArrayList<>();
        key.add(report.kind());
        for (FailureReport.Field field : report.fields()) {
            key.add(field.name().strip().toLowerCase(Locale.ROOT) + ": " + spaced(field.value()));
        }
        for (Optional<String> value : List.of(report.feedbackType(), report.authFailure(), report.originalMailFrom(), report.arrivalDate(),
            report.sourceIpText(), report.reportedDomain().map(ExpectedFigures::normalisedDomain))) {
            key.add(value.map(ExpectedFigures::spaced).orElse(null));
        }
        report.reportedMessage().ifPresent(reported -> {
            key.add(reported.fullMessage());
            for (String line : reported.headers().strip().split("\\R", -1)) {
                key.add(line.stripTrailing());
            }
        });
        if (report.fields().isEmpty() && report.reportedMessage().isEmpty() && report.feedbackType().isEmpty()
            && report.reportedDomain().isEmpty() && report.sourceIpText().isEmpty() && report.originalMailFrom().isEmpty()) {
            key.add(delivery.message().originKey());
        }
        return key;
    }

    private static String spaced(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    /** The names of the queries this class knows the answers of. */
    Set<String> queryNames() {
        return queries.keySet();
    }

    List<List<Object>> expected(String query, ReportFilter filter) {
        return Objects.requireNonNull(queries.get(query), "no expected figures for query " + query).apply(filter);
    }

    /** Columns whose values only the database knows (generated ids, its clock): not compared. */
    static Set<String> databaseOnlyColumns() {
        return Set.of("aggregate_report_id", "rejected_input_id", "rejected_at");
    }

    List<DomainSummary> domainSummaries(ReportFilter filter) {
        return byDomain(filter).entrySet().stream().map(entry -> {
            List<Report> list = entry.getValue();
            List<ReportRecord> records = records(list);
            long messages = sum(records, r -> true);
            long pass = sum(records, ExpectedFigures::passes);
            return new DomainSummary(entry.getKey(), list.size(), distinctSources(records), messages, pass, messages - pass,
                sum(records, r -> disposition(r, "none") || disposition(r, "pass")), sum(records, r -> disposition(r, "quarantine")),
                sum(records, r -> disposition(r, "reject")));
        }).sorted(Comparator.comparingLong(DomainSummary::messages).reversed().thenComparing(DomainSummary::domain)).toList();
    }

    private List<List<Object>> domainSummaryRows(ReportFilter filter) {
        return domainSummaries(filter).stream().map(s -> row(s.domain(), s.reports(), s.sources(), s.messages(), s.passMessages(),
            s.failMessages(), rate(s.passMessages(), s.messages()), rate(s.failMessages(), s.messages()), s.none(), s.quarantine(),
            s.reject())).toList();
    }

    private List<List<Object>> dailyVolume(ReportFilter filter) {
        Map<List<Object>, List<Report>> groups = group(selected(filter), r -> List.of(r.domain(), day(r.begin())));
        List<List<Object>> rows = new ArrayList<>();
        groups.forEach((key, list) -> {
            List<ReportRecord> records = records(list);
            long messages = sum(records, r -> true);
            long pass = sum(records, ExpectedFigures::passes);
            rows.add(row(key.get(0), key.get(1), (long) list.size(), messages, pass, messages - pass, rate(pass, messages)));
        });
        return rows;
    }

    private List<List<Object>> policyApplied(ReportFilter filter) {
        Map<List<Object>, Long> messages = new TreeMap<>(Comparator.comparing(Object::toString));
        for (Report report : selected(filter)) {
            for (ReportRecord record : report.records()) {
                messages.merge(List.of(report.domain(), record.policyEvaluated().disposition().text()), record.count(), Long::sum);
            }
        }
        return messages.entrySet().stream().map(e -> row(e.getKey().get(0), e.getKey().get(1), e.getValue())).toList();
    }

    /** Every source with failing messages (the query keeps the top 20 of these). */
    private List<List<Object>> failingSources(ReportFilter filter) {
        Map<List<Object>, long[]> sources = new LinkedHashMap<>();
        Map<List<Object>, Set<Report>> reportsPerSource = new LinkedHashMap<>();
        for (Report report : selected(filter)) {
            for (ReportRecord record : report.records()) {
                List<Object> key = List.of(report.domain(), record.sourceIp().text());
                long[] figures = sources.computeIfAbsent(key, k -> new long[2]);
                figures[0] += passes(record) ? 0 : record.count();
                figures[1] += record.count();
                reportsPerSource.computeIfAbsent(key, k -> new HashSet<>()).add(report);
            }
        }
        List<List<Object>> rows = new ArrayList<>();
        sources.forEach((key, figures) -> {
            if (figures[0] > 0) {
                rows.add(row(key.get(0), key.get(1), figures[0], figures[1], (long) reportsPerSource.get(key).size()));
            }
        });
        return rows;
    }

    private List<List<Object>> authenticationBreakdown(ReportFilter filter) {
        List<List<Object>> rows = new ArrayList<>();
        byDomain(filter).forEach((domain, list) -> {
            List<ReportRecord> records = records(list);
            if (records.isEmpty()) {
                return;
            }
            rows.add(row(domain,
                sum(records, r -> aligned(r.policyEvaluated().dkim()) && aligned(r.policyEvaluated().spf())),
                sum(records, r -> aligned(r.policyEvaluated().dkim()) && !aligned(r.policyEvaluated().spf())),
                sum(records, r -> aligned(r.policyEvaluated().spf()) && !aligned(r.policyEvaluated().dkim())),
                sum(records, r -> !passes(r)),
                sum(records, r -> true)));
        });
        return rows;
    }

    private List<List<Object>> reporters(ReportFilter filter) {
        Map<List<Object>, List<Report>> groups = group(selected(filter),
            r -> List.of(r.domain(), r.header().metadata().orgName(), r.header().metadata().email()));
        List<List<Object>> rows = new ArrayList<>();
        groups.forEach((key, list) -> rows.add(row(key.get(0), key.get(1), key.get(2), (long) list.size(),
            list.stream().mapToLong(Report::messages).sum(),
            utc(list.stream().map(Report::begin).min(Comparator.naturalOrder()).orElseThrow()),
            utc(list.stream().map(r -> r.header().metadata().dateRange().end()).max(Comparator.naturalOrder()).orElseThrow()))));
        return rows;
    }

    private List<List<Object>> unauthenticatedReports(ReportFilter filter) {
        List<List<Object>> rows = new ArrayList<>();
        for (Report report : selected(filter)) {
            var auth = report.message().authentication();
            if (auth.dmarcResult().filter("pass"::equalsIgnoreCase).isPresent()) {
                continue;
            }
            rows.add(row(report.domain(), report.header().metadata().orgName(), report.header().metadata().reportId(),
                utc(report.begin()), report.message().origin().column(), report.message().envelopeSender().orElse(null),
                auth.dkimResult().orElse(null), auth.spfResult().orElse(null), auth.dmarcResult().orElse(null)));
        }
        return rows;
    }

    private List<List<Object>> failuresPerDay(ReportFilter filter) {
        Map<List<Object>, Long> perDay = new LinkedHashMap<>();
        for (Failure failure : failures) {
            Instant time = failure.time();
            if (filter.domain().isPresent() && !failure.domain().equals(filter.domain())
                || filter.since().isPresent() && time.isBefore(filter.since().get())
                || filter.until().isPresent() && !time.isBefore(filter.until().get())) {
                continue;
            }
            perDay.merge(Arrays.asList(failure.domain().orElse(null), day(time)), 1L, Long::sum);
        }
        List<List<Object>> rows = new ArrayList<>();
        perDay.forEach((key, count) -> rows.add(row(key.get(0), key.get(1), count)));
        return rows;
    }

    private List<List<Object>> rejectedInputs(ReportFilter filter) {
        List<List<Object>> rows = new ArrayList<>();
        for (RejectedDelivery input : rejected) {
            // the database stamps rejected_at; the filters used here lie well away from that moment
            if (filter.since().isPresent() && input.storedBefore().isBefore(filter.since().get())
                || filter.until().isPresent() && !input.storedAfter().isBefore(filter.until().get())) {
                continue;
            }
            rows.add(row(input.problem().name(), input.reason(), input.location(), (long) input.size(),
                input.message().origin().column(), input.message().messageId().orElse(null),
                input.message().filePath().map(Path::toString).orElse(null)));
        }
        return rows;
    }

    private List<Report> selected(ReportFilter filter) {
        Predicate<Report> in = report -> filter.domain().map(report.domain()::equals).orElse(true)
            && filter.since().map(since -> !report.begin().isBefore(since)).orElse(true)
            && filter.until().map(until -> report.begin().isBefore(until)).orElse(true);
        return reports.stream().filter(in).toList();
    }

    private Map<String, List<Report>> byDomain(ReportFilter filter) {
        return selected(filter).stream().collect(Collectors.groupingBy(Report::domain, TreeMap::new, Collectors.toList()));
    }

    private static <K> Map<K, List<Report>> group(List<Report> list, Function<Report, K> key) {
        Map<K, List<Report>> groups = new LinkedHashMap<>();
        for (Report report : list) {
            groups.computeIfAbsent(key.apply(report), k -> new ArrayList<>()).add(report);
        }
        return groups;
    }

    private static List<ReportRecord> records(List<Report> list) {
        return list.stream().flatMap(r -> r.records().stream()).toList();
    }

    private static long sum(List<ReportRecord> records, Predicate<ReportRecord> which) {
        return records.stream().filter(which).mapToLong(ReportRecord::count).sum();
    }

    private static long distinctSources(List<ReportRecord> records) {
        return records.stream().map(r -> r.sourceIp().text()).distinct().count();
    }

    /** DMARC pass as the reports state it: an aligned DKIM or SPF result written "pass", in any case. */
    private static boolean passes(ReportRecord record) {
        return aligned(record.policyEvaluated().dkim()) || aligned(record.policyEvaluated().spf());
    }

    private static boolean aligned(Optional<? extends Enumerated<?>> result) {
        return result.map(value -> value.raw().equalsIgnoreCase("pass")).orElse(false);
    }

    private static boolean disposition(ReportRecord record, String value) {
        return record.policyEvaluated().disposition().raw().equalsIgnoreCase(value);
    }

    private static BigDecimal rate(long part, long whole) {
        return whole == 0 ? null : BigDecimal.valueOf(100 * part).divide(BigDecimal.valueOf(whole), 2, RoundingMode.HALF_UP);
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static String normalisedDomain(String domain) {
        String lower = domain.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }
}
