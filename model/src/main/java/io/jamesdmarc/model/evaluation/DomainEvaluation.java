package io.jamesdmarc.model.evaluation;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.policy.DiscoveredPolicy;
import io.jamesdmarc.model.policy.DmarcRecord;
import io.jamesdmarc.model.policy.PolicyLookup;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PsdFlag;

/**
 * DMARC's verdict on one Author Domain of a message: everything an aggregate report record, a
 * failure report and an Authentication-Results header need.
 *
 * @param authorDomain the Author Domain (A-label, lower case)
 * @param result pass, fail, none (no policy applies) or temperror
 * @param explanation the verdict in a sentence
 * @param discovery the policy discovery: the policy domain, the record with all its tags, the
 *     Organizational Domain, the discovery method, the names queried
 * @param dkim DKIM identifier alignment
 * @param spf SPF identifier alignment
 * @param appliedPolicy the policy that applies (p, sp or np, lowered by t=y), when one does
 * @param disposition what the Domain Owner asks for this message: none, pass (passed under an
 *     enforcing policy), quarantine or reject; the receiver's local policy may still override it
 * @param overrides why the disposition differs from the published policy ({@code policy_test_mode} for t=y)
 * @param failureReportTriggers the {@code fo} options this message meets, when the record has a
 *     usable {@code ruf} (empty otherwise, and always for a {@code psd=y} record, RFC 9991)
 */
public record DomainEvaluation(String authorDomain,
                               DmarcResult result,
                               String explanation,
                               PolicyLookup discovery,
                               IdentifierAlignment dkim,
                               IdentifierAlignment spf,
                               Optional<AppliedPolicy> appliedPolicy,
                               Disposition disposition,
                               List<PolicyOverrideReason> overrides,
                               Set<FailureOption> failureReportTriggers) {
    public DomainEvaluation {
        Objects.requireNonNull(authorDomain, "authorDomain");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(appliedPolicy, "appliedPolicy");
        Objects.requireNonNull(disposition, "disposition");
        overrides = List.copyOf(overrides);
        failureReportTriggers = Collections.unmodifiableSet(failureReportTriggers.isEmpty()
            ? EnumSet.noneOf(FailureOption.class) : EnumSet.copyOf(failureReportTriggers));
    }

    public Optional<DiscoveredPolicy> policy() {
        return discovery.policy();
    }

    /** The DMARC Policy Domain, when a record was found. */
    public Optional<String> policyDomain() {
        return policy().map(DiscoveredPolicy::policyDomain);
    }

    /** The published record with all its tags, when one was found. */
    public Optional<DmarcRecord> record() {
        return policy().map(DiscoveredPolicy::record);
    }

    /** The Author Domain's Organizational Domain, when known. */
    public Optional<String> organizationalDomain() {
        return policy().flatMap(p -> p.authorOrganizationalDomain().organizationalDomain());
    }

    /** Whether the record asks for test mode ({@code t=y}). */
    public boolean testing() {
        return record().map(DmarcRecord::testing).orElse(false);
    }

    /** The aggregate report URIs requested ({@code rua}), usable or not. */
    public List<ReportUri> aggregateReportUris() {
        return record().map(DmarcRecord::rua).orElse(List.of());
    }

    /** The failure report URIs requested ({@code ruf}); none for a {@code psd=y} record (RFC 9991). */
    public List<ReportUri> failureReportUris() {
        return record().filter(r -> r.psdFlag() != PsdFlag.YES).map(DmarcRecord::ruf).orElse(List.of());
    }

    /** Whether a failure report is due: the message meets one of the record's {@code fo} options. */
    public boolean failureReportDue() {
        return !failureReportTriggers.isEmpty();
    }

    /** The aggregate report's {@code policy_evaluated} for this message. */
    public PolicyEvaluated toPolicyEvaluated() {
        return new PolicyEvaluated(Enumerated.of(disposition), Optional.of(Enumerated.of(dkim.result())),
            Optional.of(Enumerated.of(spf.result())), overrides);
    }
}
