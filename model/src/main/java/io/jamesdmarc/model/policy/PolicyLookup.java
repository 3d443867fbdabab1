package io.jamesdmarc.model.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of DMARC policy discovery for one Author Domain.
 *
 * @param authorDomain the Author Domain (A-label, lower case)
 * @param status found, none, or a DNS failure
 * @param policy the policy that applies, when found
 * @param queried the names asked for, in order ({@code _dmarc.<domain>}), whether the answer came from the cache or not
 * @param notes what was discarded on the way (several records at one name, ...)
 * @param temporaryError the DNS failure, when the status is TEMPERROR
 */
public record PolicyLookup(String authorDomain,
                           DiscoveryStatus status,
                           Optional<DiscoveredPolicy> policy,
                           List<String> queried,
                           List<String> notes,
                           Optional<String> temporaryError) {
    public PolicyLookup {
        Objects.requireNonNull(authorDomain, "authorDomain");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(policy, "policy");
        queried = List.copyOf(queried);
        notes = List.copyOf(notes);
        Objects.requireNonNull(temporaryError, "temporaryError");
        if (policy.isPresent() != (status == DiscoveryStatus.FOUND)) {
            throw new IllegalArgumentException("a policy exactly when found");
        }
        if (temporaryError.isPresent() != (status == DiscoveryStatus.TEMPERROR)) {
            throw new IllegalArgumentException("a temporary error exactly when TEMPERROR");
        }
    }
}
