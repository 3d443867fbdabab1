package io.jamesdmarc.cli.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.storage.reporting.Period;

/**
 * The figures the API should give, computed in plain Java from the model objects of the reports
 * (as parsed from files, or as generated), never from SQL: each report counted once (the README's
 * deduplication keys), DMARC pass as the reports state it, days in UTC.
 */
final class ModelFigures {

    /** An aggregate report: its header and records. */
    record Aggregate(AggregateReport header, List<ReportRecord> records) {
        String domain() {
            return domainOf(header.policyPublished().domain());
        }

        Instant begin() {
            return header.metadata().dateRange().begin();
        }

        LocalDate day() {
            return LocalDate.ofInstant(begin(), ZoneOffset.UTC);
        }
    }

    /** A failure report and the time it counts at (its Arrival-Date, else when it was stored). */
    record Failure(FailureReport report, Instant time) {
        Optional<String> domain() {
            return report.reportedDomain().map(ModelFigures::domainOf);
        }
    }

    /** What a domain's summary says. */
    record Summary(long reports, long sources, long messages, long pass, long none, long quarantine, long reject, long failureReports) {
        long fail() {
            return messages - pass;
        }
    }

    /** What the sources endpoint says of one source. */
    record Source(long reports, long messages, long pass, long dkimAligned, long spfAligned) {
    }

    private final List<Aggregate> aggregates = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    /** Adds reports as delivered: a report delivered before (same reporter, id, domain, period) is not counted again. */
    ModelFigures(List<Aggregate> delivered, List<Failure> deliveredFailures, Function<FailureReport, List<Object>> failureKey) {
        Set<List<Object>> keys = new HashSet<>();
        for (Aggregate aggregate : delivered) {
            var metadata = aggregate.header().metadata();
            if (keys.add(Arrays.asList(metadata.orgName(), metadata.email(), metadata.reportId(), aggregate.domain(),
                metadata.dateRange().begin(), metadata.dateRange().end()))) {
                aggregates.add(aggregate);
            }
        }
        Set<List<Object>> failureKeys = new HashSet<>();
        for (Failure failure : deliveredFailures) {
            if (failureKeys.add(failureKey.apply(failure.report()))) {
                failures.add(failure);
            }
        }
    }

    List<Aggregate> aggregates() {
        return List.copyOf(aggregates);
    }

    /** Every domain reported on: policy domains of aggregate reports, reported domains of failure reports. */
    Set<String> domains() {
        Set<String> domains = new TreeSet<>();
        aggregates.forEach(a -> domains.add(a.domain()));
        failures.forEach(f -> f.domain().ifPresent(domains::add));
        return domains;
    }

    List<Aggregate> aggregates(String domain, Period period) {
        return aggregates.stream().filter(a -> a.domain().equals(domain) && period.contains(a.day())).toList();
    }

    List<Failure> failures(String domain, Period period) {
        return failures.stream().filter(f -> f.domain().equals(Optional.of(domain)))
            .filter(f -> period.contains(LocalDate.ofInstant(f.time(), ZoneOffset.UTC))).toList();
    }

    Summary summary(String domain, Period period) {
        long messages = 0;
        long pass = 0;
        long none = 0;
        long quarantine = 0;
        long reject = 0;
        Set<String> sources = new HashSet<>();
        List<Aggregate> selected = aggregates(domain, period);
        for (Aggregate aggregate : selected) {
            for (ReportRecord record : aggregate.records()) {
                messages += record.count();
                pass += passes(record) ? record.count() : 0;
                String disposition = record.policyEvaluated().disposition().raw().strip().toLowerCase(Locale.ROOT);
                none += disposition.equals("none") || disposition.equals("pass") ? record.count() : 0;
                quarantine += disposition.equals("quarantine") ? record.count() : 0;
                reject += disposition.equals("reject") ? record.count() : 0;
                sources.add(sourceKey(record));
            }
        }
        return new Summary(selected.size(), sources.size(), messages, pass, none, quarantine, reject, failures(domain, period).size());
    }

    /** Messages per day of the period with any (UTC day of each report's begin). */
    Map<LocalDate, Long> messagesPerDay(String domain, Period period) {
        Map<LocalDate, Long> days = new TreeMap<>();
        for (Aggregate aggregate : aggregates(domain, period)) {
            days.merge(aggregate.day(), aggregate.records().stream().mapToLong(ReportRecord::count).sum(), Long::sum);
        }
        return days;
    }

    /** Per source (as the store groups them: the address text, without regard to case). */
    Map<String, Source> sources(String domain, Period period) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (Aggregate aggregate : aggregates(domain, period)) {
            Set<String> inReport = new HashSet<>();
            for (ReportRecord record : aggregate.records()) {
                long[] f = sums.computeIfAbsent(sourceKey(record), k -> new long[5]);
                if (inReport.add(sourceKey(record))) {
                    f[0]++;
                }
                f[1] += record.count();
                f[2] += passes(record) ? record.count() : 0;
                f[3] += isPass(record.policyEvaluated().dkim()) ? record.count() : 0;
                f[4] += isPass(record.policyEvaluated().spf()) ? record.count() : 0;
            }
        }
        Map<String, Source> sources = new LinkedHashMap<>();
        sums.forEach((key, f) -> sources.put(key, new Source(f[0], f[1], f[2], f[3], f[4])));
        return sources;
    }

    /** Records that failed DMARC. */
    long failedRecords(String domain, Period period) {
        return aggregates(domain, period).stream().flatMap(a -> a.records().stream()).filter(r -> !passes(r)).count();
    }

    static String sourceKey(ReportRecord record) {
        return record.sourceIp().text().toLowerCase(Locale.ROOT);
    }

    static boolean passes(ReportRecord record) {
        return isPass(record.policyEvaluated().dkim()) || isPass(record.policyEvaluated().spf());
    }

    private static boolean isPass(Optional<? extends Enumerated<?>> result) {
        return result.map(value -> value.raw().strip().equalsIgnoreCase("pass")).orElse(false);
    }

    static String domainOf(String domain) {
        String lower = domain.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** A rate as the API gives it: percent, two decimals. */
    static double rate(long part, long whole) {
        return whole == 0 ? 0 : Math.round(10_000.0 * part / whole) / 100.0;
    }
}
