package io.jamesdmarc.storage.reporting;

import java.util.Objects;

/**
 * The figures of one policy domain over a period, counted in messages (the records' counts).
 *
 * @param sources distinct sending source IPs
 * @param passMessages messages whose policy_evaluated dkim or spf is pass
 * @param failMessages the others
 * @param none messages delivered with no policy action (disposition none, or RFC 9990's pass)
 */
public record DomainSummary(String domain,
                            long reports,
                            long sources,
                            long messages,
                            long passMessages,
                            long failMessages,
                            long none,
                            long quarantine,
                            long reject) {

    public DomainSummary {
        Objects.requireNonNull(domain, "domain");
    }

    /** DMARC pass rate in percent of messages; 0 when there were none. */
    public double passRate() {
        return messages == 0 ? 0 : 100.0 * passMessages / messages;
    }

    /** DMARC fail rate in percent of messages; 0 when there were none. */
    public double failRate() {
        return messages == 0 ? 0 : 100.0 * failMessages / messages;
    }
}
