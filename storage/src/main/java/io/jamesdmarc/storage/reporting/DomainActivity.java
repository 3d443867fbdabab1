package io.jamesdmarc.storage.reporting;

import java.util.Objects;

/**
 * A domain reports were received about, and how much in a period (all zero when none came then).
 *
 * @param domain a policy domain of aggregate reports, or a reported domain of failure reports
 */
public record DomainActivity(String domain, long reports, long messages, long passMessages, long failureReports) {
    public DomainActivity {
        Objects.requireNonNull(domain, "domain");
    }

    public long failMessages() {
        return messages - passMessages;
    }

    /** DMARC pass rate in percent of messages; 0 when there were none. */
    public double passRate() {
        return Rates.percent(passMessages, messages);
    }
}
