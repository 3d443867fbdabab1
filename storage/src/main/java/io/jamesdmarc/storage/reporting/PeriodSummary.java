package io.jamesdmarc.storage.reporting;

import java.util.List;
import java.util.Objects;

/**
 * A policy domain over a period: aggregate reports, distinct sending sources, messages and their
 * DMARC results, the policy receivers applied, failure reports, and the figures of each day.
 *
 * @param sources distinct sending sources (source IPs as reported)
 * @param passMessages messages whose policy_evaluated dkim or spf is pass
 * @param none messages delivered with no policy action (disposition none, or RFC 9990's pass)
 * @param days the days of the period with aggregate or failure reports, in order
 */
public record PeriodSummary(String domain,
                            Period period,
                            long reports,
                            long sources,
                            long messages,
                            long passMessages,
                            long none,
                            long quarantine,
                            long reject,
                            long failureReports,
                            List<DailyFigures> days) {

    public PeriodSummary {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(period, "period");
        days = List.copyOf(days);
    }

    public long failMessages() {
        return messages - passMessages;
    }

    /** DMARC pass rate in percent of messages; 0 when there were none. */
    public double passRate() {
        return Rates.percent(passMessages, messages);
    }

    /** DMARC fail rate in percent of messages; 0 when there were none. */
    public double failRate() {
        return Rates.percent(failMessages(), messages);
    }
}
