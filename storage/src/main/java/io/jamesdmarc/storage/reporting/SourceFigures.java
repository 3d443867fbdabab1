package io.jamesdmarc.storage.reporting;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One sending source of a policy domain over a period, counted in messages.
 *
 * @param sourceIp the address as reported ({@code 192.0.2.1}, {@code 2001:db8::1}), or the value as written when it is no address
 * @param address the address, when it is one
 * @param dkimAligned messages whose policy_evaluated dkim is pass (DKIM passed for a domain aligned with From)
 * @param spfAligned messages whose policy_evaluated spf is pass
 * @param dkimPass messages with at least one passing DKIM signature, aligned or not
 * @param spfPass messages whose SPF check (MAIL FROM) passed, aligned or not
 * @param reporters who reported this source, most reports first
 */
public record SourceFigures(String sourceIp,
                            Optional<InetAddress> address,
                            long reports,
                            long records,
                            long messages,
                            long passMessages,
                            long dkimAligned,
                            long spfAligned,
                            long dkimPass,
                            long spfPass,
                            long none,
                            long quarantine,
                            long reject,
                            List<ReporterShare> reporters) {

    /** A reporter's share of a source. */
    public record ReporterShare(String reporter, long reports, long messages) {
        public ReporterShare {
            Objects.requireNonNull(reporter, "reporter");
        }
    }

    public SourceFigures {
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(address, "address");
        reporters = List.copyOf(reporters);
    }

    public long failMessages() {
        return messages - passMessages;
    }

    public double passRate() {
        return Rates.percent(passMessages, messages);
    }
}
