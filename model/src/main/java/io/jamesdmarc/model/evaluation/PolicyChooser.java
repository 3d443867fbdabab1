package io.jamesdmarc.model.evaluation;

import java.util.Optional;

import io.jamesdmarc.model.dns.DnsAnswer;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsStatus;
import io.jamesdmarc.model.dns.RecordType;
import io.jamesdmarc.model.policy.DiscoveredPolicy;
import io.jamesdmarc.model.policy.DmarcRecord;
import io.jamesdmarc.model.policy.PolicyOrigin;
import io.jamesdmarc.model.vocabulary.PolicyAction;

/**
 * Chooses between p, sp and np (RFC 9989 sections 4.7 and 4.10.1) and applies t=y.
 *
 * <p>np applies to a non-existent subdomain: one whose name answers NXDOMAIN (section 3.2.13 and
 * appendix A.4; not RFC 5321's "no A, AAAA or MX", which A.4 sets aside). The name is only
 * looked up when np is published and differs from what applies otherwise.
 */
final class PolicyChooser {
    private final DnsResolver dns;

    PolicyChooser(DnsResolver dns) {
        this.dns = dns;
    }

    /**
     * The policy. When the existence test failed, the policy for an existing subdomain, with
     * {@code temporaryError} set: enough for a passing message, not for a failing one.
     */
    Choice choose(String authorDomain, DiscoveredPolicy policy) {
        DmarcRecord record = policy.record();
        boolean own = policy.origin() == PolicyOrigin.AUTHOR_DOMAIN;
        DomainRelation ownOrSubdomain = own ? DomainRelation.AUTHOR_DOMAIN : DomainRelation.SUBDOMAIN;
        if (!record.hasValidPolicy()) {
            return chosen(record, PolicyTag.P, PolicyAction.NONE, ownOrSubdomain,
                "the record has no valid p, or an invalid sp or np, but a well-formed rua: p=none applies (RFC 9989 4.10.1)");
        }
        PolicyAction p = record.policy().orElseThrow();
        if (own) {
            return chosen(record, PolicyTag.P, p, DomainRelation.AUTHOR_DOMAIN, "the Author Domain's own record: p applies");
        }
        PolicyTag fallbackTag = record.subdomainPolicy().isPresent() ? PolicyTag.SP : PolicyTag.P;
        PolicyAction fallback = record.subdomainPolicy().orElse(p);
        String subdomainOf = authorDomain + " is a subdomain of " + policy.policyDomain() + ": "
            + (fallbackTag == PolicyTag.SP ? "sp applies" : "no sp, p applies");
        Optional<PolicyAction> np = record.nonExistentSubdomainPolicy();
        if (np.isEmpty() || np.get() == fallback) {
            return chosen(record, fallbackTag, fallback, DomainRelation.SUBDOMAIN,
                subdomainOf + (np.isEmpty() ? "" : " (np is the same, existence not tested)"));
        }
        DnsAnswer existence = dns.lookup(authorDomain, RecordType.A);
        if (existence.isTemporaryFailure()) {
            String unknown = "existence of " + authorDomain + " unknown, so np or " + fallbackTag.token() + ": "
                + existence.detail();
            return new Choice(chosen(record, fallbackTag, fallback, DomainRelation.SUBDOMAIN, unknown).policy(),
                Optional.of(unknown));
        }
        if (existence.status() == DnsStatus.NXDOMAIN || existence.status() == DnsStatus.INVALID_NAME) {
            return chosen(record, PolicyTag.NP, np.get(), DomainRelation.NON_EXISTENT_SUBDOMAIN,
                authorDomain + " does not exist (NXDOMAIN), a subdomain of " + policy.policyDomain() + ": np applies");
        }
        return chosen(record, fallbackTag, fallback, DomainRelation.EXISTING_SUBDOMAIN, subdomainOf + " (it exists)");
    }

    private static Choice chosen(DmarcRecord record, PolicyTag tag, PolicyAction requested, DomainRelation relation,
                                 String explanation) {
        PolicyAction applied = record.testing() ? oneLevelLower(requested) : requested;
        String testing = applied != requested ? "; t=y: " + applied.token() + " applied" : "";
        return new Choice(new AppliedPolicy(tag, requested, applied, relation, explanation + testing), Optional.empty());
    }

    /** RFC 9989 section 4.7, tag t: reject becomes quarantine, quarantine becomes none. */
    static PolicyAction oneLevelLower(PolicyAction action) {
        return switch (action) {
            case REJECT -> PolicyAction.QUARANTINE;
            case QUARANTINE, NONE -> PolicyAction.NONE;
        };
    }

    /**
     * @param policy the policy chosen
     * @param temporaryError why np and sp could not be told apart, when they could not
     */
    record Choice(AppliedPolicy policy, Optional<String> temporaryError) {
    }
}
