package io.jamesdmarc.storage.outbound;

import java.time.Duration;
import java.util.Objects;

import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.outbound.AggregateReportParts;
import io.jamesdmarc.model.outbound.ReporterIdentity;

/**
 * How aggregate reports are made and sent.
 *
 * @param maxReportSize the most bytes of one gzipped report; a larger one is split
 * @param sendDelay how long after a period's end its reports wait (evaluations still in a spool arrive)
 * @param lease how long a claim holds before another reporter may take it over
 * @param owner who claims, in {@code outbound_aggregate_reports.claim_owner} (host, process, mailet)
 */
public record ReportingSettings(ReporterIdentity identity, ReportFormat format, long maxReportSize, Duration sendDelay,
                                Duration lease, String owner) {
    public static final long DEFAULT_MAX_REPORT_SIZE = 5_242_880;
    public static final Duration DEFAULT_SEND_DELAY = Duration.ofMinutes(15);
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(15);
    /** The first retry of a failed report waits this long; each next one twice as long, up to {@link #MAX_BACKOFF}. */
    public static final Duration FIRST_BACKOFF = Duration.ofMinutes(5);
    public static final Duration MAX_BACKOFF = Duration.ofHours(6);
    /** Attempts that wait for a destination's DNS temperror to pass before the report goes to the others. */
    public static final int TEMPERROR_ATTEMPTS = 3;
    /**
     * The most rua URIs of one policy looked at (each external one costs a DNS query): a record
     * listing hundreds of addresses must not make this server a mail cannon. The rest are skipped and logged.
     */
    public static final int MAX_DESTINATIONS = 10;

    public ReportingSettings {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(sendDelay, "sendDelay");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(owner, "owner");
        if (maxReportSize < AggregateReportParts.MIN_LIMIT) {
            throw new IllegalArgumentException("maxReportSize below " + AggregateReportParts.MIN_LIMIT);
        }
    }

    public static ReportingSettings defaults(ReporterIdentity identity, String owner) {
        return new ReportingSettings(identity, ReportFormat.RFC9990, DEFAULT_MAX_REPORT_SIZE, DEFAULT_SEND_DELAY, DEFAULT_LEASE, owner);
    }

    public ReportingSettings withFormat(ReportFormat value) {
        return new ReportingSettings(identity, value, maxReportSize, sendDelay, lease, owner);
    }

    public ReportingSettings withMaxReportSize(long value) {
        return new ReportingSettings(identity, format, value, sendDelay, lease, owner);
    }

    public ReportingSettings withSendDelay(Duration value) {
        return new ReportingSettings(identity, format, maxReportSize, value, lease, owner);
    }

    public ReportingSettings withLease(Duration value) {
        return new ReportingSettings(identity, format, maxReportSize, sendDelay, value, owner);
    }

    public ReportingSettings withOwner(String value) {
        return new ReportingSettings(identity, format, maxReportSize, sendDelay, lease, value);
    }

    /** How long after its {@code attempts}-th failure a report is tried again. */
    public static Duration backoff(int attempts) {
        Duration wait = FIRST_BACKOFF;
        for (int i = 1; i < attempts && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }
}
