package io.jamesdmarc.storage.outbound;

import java.util.List;

/**
 * What became of one report in a run.
 *
 * @param reportId the period's report id (its first part's)
 * @param parts the parts made (0 when none was built)
 * @param mailboxes where it went (or would go, in a dry run)
 * @param detail in words, for logs and the command's output
 */
public record ReportOutcome(OutboundReportKey key, Status status, String reportId, int parts, int records, long messages,
                            List<String> mailboxes, String detail) {
    public ReportOutcome {
        mailboxes = List.copyOf(mailboxes);
    }

    public enum Status {
        /** Sent now. */
        SENT,
        /** Built and written, not sent, nothing recorded (dry run). */
        WRITTEN,
        /** No destination may receive it: nothing sent. */
        UNDELIVERABLE,
        /** The attempt failed; tried again later. */
        FAILED,
        /** Another reporter holds it, or it failed and is not due again yet. */
        HELD_ELSEWHERE,
        /** Evaluations that arrived after their report was sent: counted as reported by it. */
        LATE_EVALUATIONS
    }
}
