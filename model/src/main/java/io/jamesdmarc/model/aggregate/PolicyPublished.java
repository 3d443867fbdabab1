package io.jamesdmarc.model.aggregate;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.YesNo;

/**
 * The DMARC policy the reporter found for the domain. {@code adkim}, {@code aspf} and {@code sp}
 * hold the RFC defaults (r, r, the value of p) when the report omits them; the other optional tags
 * are empty when absent.
 *
 * @param pct RFC 7489 only (historic in RFC 9989)
 * @param np RFC 9989/9990 policy for non-existent subdomains
 * @param testing RFC 9990 {@code testing} (the record's {@code t=} tag)
 * @param discoveryMethod RFC 9990 psl or treewalk
 * @param psd RFC 9989 {@code psd=} tag, where a reporter includes it
 */
public record PolicyPublished(String domain,
                              Enumerated<Alignment> adkim,
                              Enumerated<Alignment> aspf,
                              Enumerated<PolicyAction> p,
                              Enumerated<PolicyAction> sp,
                              Optional<Enumerated<PolicyAction>> np,
                              Optional<Integer> pct,
                              Optional<String> fo,
                              Optional<Enumerated<YesNo>> testing,
                              Optional<Enumerated<DiscoveryMethod>> discoveryMethod,
                              Optional<Enumerated<PsdFlag>> psd) {
    public PolicyPublished {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(adkim, "adkim");
        Objects.requireNonNull(aspf, "aspf");
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(sp, "sp");
        Objects.requireNonNull(np, "np");
        Objects.requireNonNull(pct, "pct");
        Objects.requireNonNull(fo, "fo");
        Objects.requireNonNull(testing, "testing");
        Objects.requireNonNull(discoveryMethod, "discoveryMethod");
        Objects.requireNonNull(psd, "psd");
    }
}
