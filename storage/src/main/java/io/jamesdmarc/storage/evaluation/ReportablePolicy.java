package io.jamesdmarc.storage.evaluation;

import java.time.Instant;
import java.util.List;

import io.jamesdmarc.model.aggregate.PolicyPublished;

/**
 * A policy domain with one policy configuration that evaluations in a period were made under: one
 * aggregate report (RFC 9990 asks for separate reports when the policy changes within a period).
 *
 * @param policyDomain where the DMARC record was found
 * @param policyHash the configuration's key ({@code evaluation_domains.policy_hash}, hex): pass it to
 *     {@link EvaluationRepository#aggregateRows}
 * @param published the report's {@code policy_published}, as found when the messages arrived
 * @param record the DMARC record text of the period's latest evaluation under this configuration
 * @param rua the aggregate report URIs of that record, as published (verify external ones before sending)
 * @param messages evaluations counted (author domains evaluated under this policy)
 * @param unreported those not yet marked with {@link EvaluationRepository#markAggregateReported}
 * @param firstEvaluated the first evaluation in the period under this configuration
 * @param lastEvaluated the last one
 */
public record ReportablePolicy(String policyDomain,
                               String policyHash,
                               PolicyPublished published,
                               String record,
                               List<String> rua,
                               long messages,
                               long unreported,
                               Instant firstEvaluated,
                               Instant lastEvaluated) {
    public ReportablePolicy {
        rua = List.copyOf(rua);
    }
}
