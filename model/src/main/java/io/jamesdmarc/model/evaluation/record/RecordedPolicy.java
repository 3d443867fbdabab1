package io.jamesdmarc.model.evaluation.record;

import java.util.List;
import java.util.Objects;

import io.jamesdmarc.model.aggregate.PolicyPublished;

/**
 * The DMARC policy that applied to an Author Domain, as found when the message arrived: reports
 * are due to the policy as it was, not as it is when they are sent.
 *
 * @param record the DMARC record as published (its TXT strings joined)
 * @param published the aggregate report's {@code policy_published}; its domain is the policy domain
 * @param rua the aggregate report URIs requested, as published (external destinations are
 *     verified at sending time, RFC 9990)
 * @param ruf the failure report URIs requested, as published; none for a {@code psd=y} record (RFC 9991)
 */
public record RecordedPolicy(String record, PolicyPublished published, List<String> rua, List<String> ruf) {
    public RecordedPolicy {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(published, "published");
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
    }

    /** The DMARC Policy Domain: where the record was found. */
    public String domain() {
        return published.domain();
    }
}
