package io.jamesdmarc.model.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import io.jamesdmarc.model.dns.DomainNames;
import io.jamesdmarc.model.policy.OrganizationalDomainLookup;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.SpfResult;

/**
 * Identifier alignment (RFC 9989 sections 3.2.10 and 4.10.2): strict is the same name, relaxed
 * the same Organizational Domain, found by the discovery method in use (tree walk or PSL).
 *
 * <p>Names with different top-level domains cannot share an Organizational Domain (it is always
 * the name or one of its parents), so they cost no DNS query.
 */
public final class IdentifierAligner {
    private final PolicyDiscovery discovery;

    public IdentifierAligner(PolicyDiscovery discovery) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
    }

    /**
     * Whether {@code identifier} is aligned with {@code authorDomain} in {@code mode}.
     *
     * @param authorOrganizationalDomain the Author Domain's Organizational Domain, as discovery found it
     */
    public Match match(String authorDomain, OrganizationalDomainLookup authorOrganizationalDomain, String identifier,
                       Alignment mode) {
        if (identifier.equals(authorDomain)) {
            return new Match(AlignmentStatus.ALIGNED, true, identifier + " is the Author Domain");
        }
        if (mode == Alignment.STRICT) {
            return new Match(AlignmentStatus.NOT_ALIGNED, false, identifier + " is not " + authorDomain + " (strict)");
        }
        if (!DomainNames.lastLabels(identifier, 1).equals(DomainNames.lastLabels(authorDomain, 1))) {
            return new Match(AlignmentStatus.NOT_ALIGNED, false, identifier + " shares no parent with " + authorDomain);
        }
        if (authorOrganizationalDomain.temporaryError().isPresent()) {
            return new Match(AlignmentStatus.TEMPERROR, false, "Organizational Domain of " + authorDomain + " unknown: "
                + authorOrganizationalDomain.temporaryError().get());
        }
        String authorOrganizational = authorOrganizationalDomain.organizationalDomain().orElseThrow();
        OrganizationalDomainLookup identifierOrganizationalDomain = discovery.organizationalDomain(identifier);
        if (identifierOrganizationalDomain.temporaryError().isPresent()) {
            return new Match(AlignmentStatus.TEMPERROR, false, "Organizational Domain of " + identifier + " unknown: "
                + identifierOrganizationalDomain.temporaryError().get());
        }
        String identifierOrganizational = identifierOrganizationalDomain.organizationalDomain().orElseThrow();
        if (identifierOrganizational.equals(authorOrganizational)) {
            return new Match(AlignmentStatus.ALIGNED, false, identifier + " and " + authorDomain
                + " have the Organizational Domain " + authorOrganizational);
        }
        return new Match(AlignmentStatus.NOT_ALIGNED, false, identifier + " has the Organizational Domain "
            + identifierOrganizational + ", " + authorDomain + " has " + authorOrganizational);
    }

    /** DKIM alignment: any passing signature whose {@code d=} is aligned; an exact match preferred. */
    IdentifierAlignment dkim(String authorDomain, OrganizationalDomainLookup authorOrganizationalDomain,
                             List<DkimCheck> signatures, Alignment mode) {
        List<DkimCheck> passing = signatures.stream().filter(s -> s.result() == DkimResult.PASS).toList();
        if (passing.isEmpty()) {
            String detail = signatures.isEmpty() ? "no DKIM signature"
                : "no DKIM signature passed (" + signatures.stream().map(s -> "d=" + s.domain() + " " + s.result().token())
                    .collect(Collectors.joining(", ")) + ")";
            return IdentifierAlignment.not(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, mode, detail);
        }
        for (DkimCheck signature : passing) {
            Optional<String> domain = DomainNames.normalize(signature.domain());
            if (domain.isPresent() && domain.get().equals(authorDomain)) {
                return IdentifierAlignment.aligned(mode, domain.get(), Optional.of(signature.selector()), true,
                    "DKIM d=" + domain.get() + " s=" + signature.selector() + " is the Author Domain");
            }
        }
        List<String> reasons = new ArrayList<>();
        List<String> temporaryErrors = new ArrayList<>();
        for (DkimCheck signature : passing) {
            Optional<String> domain = DomainNames.normalize(signature.domain());
            if (domain.isEmpty()) {
                reasons.add("d=" + signature.domain() + " is not a domain name");
                continue;
            }
            Match match = match(authorDomain, authorOrganizationalDomain, domain.get(), mode);
            switch (match.status()) {
                case ALIGNED -> {
                    return IdentifierAlignment.aligned(mode, domain.get(), Optional.of(signature.selector()), match.exact(),
                        "DKIM d=" + domain.get() + " s=" + signature.selector() + ": " + match.detail());
                }
                case TEMPERROR -> temporaryErrors.add(match.detail());
                default -> reasons.add(match.detail());
            }
        }
        if (!temporaryErrors.isEmpty()) {
            return IdentifierAlignment.not(AlignmentStatus.TEMPERROR, mode, String.join("; ", temporaryErrors));
        }
        return IdentifierAlignment.not(AlignmentStatus.NOT_ALIGNED, mode, "DKIM not aligned: " + String.join("; ", reasons));
    }

    /** SPF alignment: the SPF domain, when SPF passed. */
    IdentifierAlignment spf(String authorDomain, OrganizationalDomainLookup authorOrganizationalDomain,
                            Optional<SpfCheck> check, Alignment mode) {
        if (check.isEmpty()) {
            return IdentifierAlignment.not(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, mode, "SPF not checked");
        }
        SpfCheck spf = check.get();
        if (spf.result() != SpfResult.PASS) {
            return IdentifierAlignment.not(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, mode,
                "SPF " + spf.result().token() + " for " + spf.domain());
        }
        Optional<String> domain = DomainNames.normalize(spf.domain());
        if (domain.isEmpty()) {
            return IdentifierAlignment.not(AlignmentStatus.NOT_ALIGNED, mode,
                "SPF domain '" + spf.domain() + "' is not a domain name");
        }
        Match match = match(authorDomain, authorOrganizationalDomain, domain.get(), mode);
        String detail = "SPF (" + spf.scope().token() + ") " + match.detail();
        return match.status() == AlignmentStatus.ALIGNED
            ? IdentifierAlignment.aligned(mode, domain.get(), Optional.empty(), match.exact(), detail)
            : IdentifierAlignment.not(match.status(), mode, detail);
    }

    /**
     * The outcome of one comparison.
     *
     * @param status aligned, not aligned, or temperror
     * @param exact whether the identifier is the Author Domain itself
     * @param detail how it was decided
     */
    public record Match(AlignmentStatus status, boolean exact, String detail) {
    }
}
