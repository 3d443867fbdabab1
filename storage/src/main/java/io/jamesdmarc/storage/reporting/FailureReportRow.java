package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored failure (ruf) report, as the failures list shows it.
 *
 * @param time the Arrival-Date of the reported message, else when the report was received
 * @param kind {@code afrf} or {@code plain_text_notice}
 */
public record FailureReportRow(long id,
                               Instant time,
                               String kind,
                               Optional<String> domain,
                               Optional<String> authFailure,
                               Optional<String> identityAlignment,
                               Optional<String> sourceIp,
                               Optional<String> originalMailFrom,
                               Optional<String> deliveryResult,
                               Optional<String> dkimDomain,
                               Optional<String> dkimSelector,
                               Optional<String> spfDns,
                               Optional<String> subject,
                               Optional<String> from,
                               Optional<String> userAgent) {

    public FailureReportRow {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        for (Optional<String> value : java.util.List.of(domain, authFailure, identityAlignment, sourceIp, originalMailFrom,
            deliveryResult, dkimDomain, dkimSelector, spfDns, subject, from, userAgent)) {
            Objects.requireNonNull(value);
        }
    }
}
