package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A record of an aggregate report whose messages failed DMARC (neither aligned DKIM nor aligned
 * SPF passed), with the report it came in.
 *
 * @param dkim the record's DKIM results as {@code domain: result} (selector in brackets when given)
 * @param spf the record's SPF results as {@code domain: result} (scope in brackets when given)
 */
public record FailedRecord(long reportId,
                           int recordNo,
                           String reporter,
                           Instant begin,
                           Instant end,
                           String sourceIp,
                           long messages,
                           String disposition,
                           Optional<String> policyDkim,
                           Optional<String> policySpf,
                           Optional<String> headerFrom,
                           Optional<String> envelopeFrom,
                           List<String> dkim,
                           List<String> spf) {

    public FailedRecord {
        Objects.requireNonNull(reporter, "reporter");
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(policyDkim, "policyDkim");
        Objects.requireNonNull(policySpf, "policySpf");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        dkim = List.copyOf(dkim);
        spf = List.copyOf(spf);
    }
}
