package io.jamesdmarc.model.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * The Organizational Domain of a domain, or why it could not be found.
 *
 * @param domain the domain asked about
 * @param organizationalDomain its Organizational Domain, unless a DNS failure hid it
 * @param temporaryError the DNS failure, when one happened
 */
public record OrganizationalDomainLookup(String domain, Optional<String> organizationalDomain, Optional<String> temporaryError) {
    public OrganizationalDomainLookup {
        Objects.requireNonNull(domain, "domain");
        if (organizationalDomain.isPresent() == temporaryError.isPresent()) {
            throw new IllegalArgumentException("either an organizational domain or a temporary error");
        }
    }

    public static OrganizationalDomainLookup found(String domain, String organizationalDomain) {
        return new OrganizationalDomainLookup(domain, Optional.of(organizationalDomain), Optional.empty());
    }

    public static OrganizationalDomainLookup failed(String domain, String temporaryError) {
        return new OrganizationalDomainLookup(domain, Optional.empty(), Optional.of(temporaryError));
    }
}
