package io.jamesdmarc.storage.reporting;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which aggregate reports to list: of one policy domain or all, from one reporter (its
 * {@code org_name}, compared without regard to case) or all, in a period or all time.
 */
public record ReportSearch(Optional<String> domain, Optional<String> reporter, Optional<Period> period) {

    public static final ReportSearch ALL = new ReportSearch(Optional.empty(), Optional.empty(), Optional.empty());

    public ReportSearch {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(reporter, "reporter");
        Objects.requireNonNull(period, "period");
        domain = domain.map(DashboardQueries::storedDomain).filter(text -> !text.isEmpty());
        reporter = reporter.map(String::strip).filter(text -> !text.isEmpty());
    }

    public ReportSearch withDomain(String value) {
        return new ReportSearch(Optional.ofNullable(value), reporter, period);
    }

    public ReportSearch withReporter(String value) {
        return new ReportSearch(domain, Optional.ofNullable(value), period);
    }

    public ReportSearch withPeriod(Period value) {
        return new ReportSearch(domain, reporter, Optional.ofNullable(value));
    }

    @Override
    public String toString() {
        return "reports" + domain.map(d -> " of " + d).orElse("") + reporter.map(r -> " from " + r.toLowerCase(Locale.ROOT)).orElse("")
            + period.map(p -> " in " + p).orElse("");
    }
}
