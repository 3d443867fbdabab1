package io.jamesdmarc.storage.evaluation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;

/**
 * One {@code <record>} of an aggregate report this server sends: the messages of a period that share
 * a source IP, a {@code policy_evaluated} (disposition, aligned DKIM and SPF results, override
 * reasons), identifiers and the whole set of authentication results. Every value is the group's own:
 * nothing is taken from one member and shown for all.
 *
 * @param envelopeTo the RCPT TO domains of the messages (a message to two domains groups apart from one to either)
 * @param dkim every DKIM result (domain, selector, result) of the messages, sorted by domain and selector
 * @param count the number of messages (evaluated author domains) in the group
 */
public record AggregateRow(SourceIp sourceIp,
                           String headerFrom,
                           Optional<String> envelopeFrom,
                           List<String> envelopeTo,
                           PolicyEvaluated policyEvaluated,
                           List<DkimAuthResult> dkim,
                           Optional<SpfAuthResult> spf,
                           long count,
                           Instant firstEvaluated,
                           Instant lastEvaluated) {
    public AggregateRow {
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        envelopeTo = List.copyOf(envelopeTo);
        Objects.requireNonNull(policyEvaluated, "policyEvaluated");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(spf, "spf");
    }

    /**
     * The row as an aggregate report record. {@code envelope_to} holds one domain in the XML: it is
     * given when the messages went to one domain, and left out (it is optional) when to several.
     */
    public ReportRecord toReportRecord() {
        return new ReportRecord(sourceIp, count, policyEvaluated, Optional.of(headerFrom), envelopeFrom,
            envelopeTo.size() == 1 ? Optional.of(envelopeTo.getFirst()) : Optional.empty(), dkim, spf.stream().toList(), List.of());
    }
}
