package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored aggregate report, as the reports list shows it.
 *
 * @param id {@code aggregate_reports.id}
 * @param reporter the reporting organisation ({@code org_name}, may be empty)
 * @param reportId the reporter's id of the report
 * @param messageDmarcResult how the mail that delivered the report passed DMARC, when James evaluated it
 */
public record ReportRow(long id,
                        String domain,
                        String reporter,
                        String reporterEmail,
                        String reportId,
                        Instant begin,
                        Instant end,
                        String policy,
                        String format,
                        long records,
                        long messages,
                        long passMessages,
                        Instant storedAt,
                        String origin,
                        Optional<String> messageDmarcResult) {

    public ReportRow {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(reporter, "reporter");
        Objects.requireNonNull(reporterEmail, "reporterEmail");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(storedAt, "storedAt");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(messageDmarcResult, "messageDmarcResult");
    }

    public long failMessages() {
        return messages - passMessages;
    }
}
