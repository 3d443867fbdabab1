package io.jamesdmarc.storage.evaluation;

/**
 * Where a failure report owed for an author domain of an evaluation stands
 * ({@code evaluation_domains.failure_report_state}; NULL when none is owed).
 */
public enum FailureReportState {
    /** A failure report is owed and not sent yet: set when the evaluation is stored. */
    DUE("due"),
    /**
     * A failure reporter claimed it and is deciding or sending it: no other reporter (thread or James
     * node) takes it meanwhile. A claim older than the reporter's claim timeout is taken again (its node died).
     */
    SENDING("sending"),
    /** The failure reporter sent it. */
    SENT("sent"),
    /** The failure reporter decided not to send it (rate limit, unverified destination, no ruf...). */
    SUPPRESSED("suppressed");

    private final String token;

    FailureReportState(String token) {
        this.token = token;
    }

    /** The column value. */
    public String token() {
        return token;
    }
}
