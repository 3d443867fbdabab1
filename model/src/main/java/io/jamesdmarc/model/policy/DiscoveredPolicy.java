package io.jamesdmarc.model.policy;

import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.YesNo;

/**
 * The DMARC Policy Record that applies to an Author Domain.
 *
 * @param policyDomain the DMARC Policy Domain: where the record was found
 * @param record the record as published
 * @param origin whether the record is the Author Domain's own, its Organizational Domain's or its PSD's
 * @param method how it was discovered (tree walk or public suffix list)
 * @param authorOrganizationalDomain the Author Domain's Organizational Domain, used for relaxed
 *     alignment; a DNS failure above the Author Domain's own record leaves it unknown
 */
public record DiscoveredPolicy(String policyDomain,
                               DmarcRecord record,
                               PolicyOrigin origin,
                               DiscoveryMethod method,
                               OrganizationalDomainLookup authorOrganizationalDomain) {
    public DiscoveredPolicy {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(authorOrganizationalDomain, "authorOrganizationalDomain");
    }

    /**
     * The policy as an aggregate report's {@code policy_published} shows it: the values in force,
     * always valid. A record without a valid policy that still applies counts as {@code p=none}
     * (RFC 9989 section 4.10.1), so it is shown as {@code p=none, sp=none}.
     */
    public PolicyPublished toPolicyPublished() {
        boolean valid = record.hasValidPolicy();
        PolicyAction p = valid ? record.policy().orElseThrow() : PolicyAction.NONE;
        PolicyAction sp = valid ? record.subdomainPolicy().orElse(p) : PolicyAction.NONE;
        Optional<Enumerated<PolicyAction>> np = valid
            ? record.nonExistentSubdomainPolicy().map(Enumerated::of) : Optional.empty();
        Optional<String> fo = record.fo().map(ignored -> record.failureOptions().stream()
            .map(FailureOption::token).collect(Collectors.joining(":")));
        return new PolicyPublished(policyDomain,
            Enumerated.of(record.dkimAlignment()),
            Enumerated.of(record.spfAlignment()),
            Enumerated.of(p),
            Enumerated.of(sp),
            np,
            record.pct(),
            fo,
            record.t().map(ignored -> Enumerated.of(record.testing() ? YesNo.YES : YesNo.NO)),
            Optional.of(Enumerated.of(method)),
            record.psd().map(ignored -> Enumerated.of(record.psdFlag())));
    }
}
