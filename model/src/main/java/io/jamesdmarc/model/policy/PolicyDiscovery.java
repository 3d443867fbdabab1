package io.jamesdmarc.model.policy;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;

/**
 * Finds the DMARC policy of an Author Domain and the Organizational Domain of any domain, the
 * RFC 9989 way (DNS Tree Walk) or the RFC 7489 way (Public Suffix List). Thread-safe.
 */
public interface PolicyDiscovery {

    /** The RFC 9989 tree walk, or the public suffix list built into Guava. */
    static PolicyDiscovery create(DiscoveryMethod method, DnsResolver dns) {
        return switch (method) {
            case TREEWALK -> new TreeWalkDiscovery(dns);
            case PSL -> new PublicSuffixListDiscovery(dns);
        };
    }

    DiscoveryMethod method();

    /** The policy that applies to mail from {@code authorDomain} (normalized: A-label, lower case). */
    PolicyLookup discover(String authorDomain);

    /** The Organizational Domain of {@code domain} (normalized). */
    OrganizationalDomainLookup organizationalDomain(String domain);
}
