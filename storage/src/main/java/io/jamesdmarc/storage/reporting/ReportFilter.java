package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which reports a query looks at: one policy domain or all, and a period [since, until) in UTC. An
 * aggregate report is in the period when the time it covers begins in it.
 */
public record ReportFilter(Optional<String> domain, Optional<Instant> since, Optional<Instant> until) {

    /** Every domain, all time. */
    public static final ReportFilter ALL = new ReportFilter(Optional.empty(), Optional.empty(), Optional.empty());

    public ReportFilter {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        // domains are stored in lower case without a trailing dot
        domain = domain.map(text -> text.strip().toLowerCase(Locale.ROOT))
            .map(text -> text.endsWith(".") ? text.substring(0, text.length() - 1) : text)
            .filter(text -> !text.isEmpty());
        if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
            throw new IllegalArgumentException("since (" + since.get() + ") must be before until (" + until.get() + ")");
        }
    }

    public ReportFilter withDomain(String value) {
        return new ReportFilter(Optional.ofNullable(value), since, until);
    }

    public ReportFilter withSince(Instant value) {
        return new ReportFilter(domain, Optional.ofNullable(value), until);
    }

    public ReportFilter withUntil(Instant value) {
        return new ReportFilter(domain, since, Optional.ofNullable(value));
    }
}
