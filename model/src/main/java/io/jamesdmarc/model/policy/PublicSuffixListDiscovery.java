package io.jamesdmarc.model.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.google.common.net.InternetDomainName;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DomainNames;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;

/**
 * RFC 7489 policy discovery (section 6.6.3): the Author Domain's record, else the record of its
 * Organizational Domain, the name one label below its public suffix. The list is the one built
 * into Guava (ICANN and private sections, as OpenDMARC reads the whole list); a name under no
 * listed suffix gets the list's default rule {@code *}: its last label is the suffix.
 * Several records at one name are discarded as RFC 9989 says, the walk then going on.
 */
final class PublicSuffixListDiscovery implements PolicyDiscovery {
    private final DnsResolver dns;

    PublicSuffixListDiscovery(DnsResolver dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    @Override
    public DiscoveryMethod method() {
        return DiscoveryMethod.PSL;
    }

    @Override
    public PolicyLookup discover(String authorDomain) {
        String organizationalDomain = registrableDomain(authorDomain);
        OrganizationalDomainLookup organizational = OrganizationalDomainLookup.found(authorDomain, organizationalDomain);
        List<String> queried = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> targets = organizationalDomain.equals(authorDomain)
            ? List.of(authorDomain) : List.of(authorDomain, organizationalDomain);
        for (String target : targets) {
            queried.add(RecordAtName.PREFIX + target);
            RecordAtName atName = RecordAtName.lookup(dns, target);
            atName.note().ifPresent(notes::add);
            if (atName.temporaryError().isPresent()) {
                return new PolicyLookup(authorDomain, DiscoveryStatus.TEMPERROR, Optional.empty(), queried, notes,
                    atName.temporaryError());
            }
            if (atName.record().isPresent()) {
                PolicyOrigin origin = target.equals(authorDomain) ? PolicyOrigin.AUTHOR_DOMAIN : PolicyOrigin.ORGANIZATIONAL_DOMAIN;
                DiscoveredPolicy policy = new DiscoveredPolicy(target, atName.record().get(), origin, method(), organizational);
                return new PolicyLookup(authorDomain, DiscoveryStatus.FOUND, Optional.of(policy), queried, notes,
                    Optional.empty());
            }
        }
        return new PolicyLookup(authorDomain, DiscoveryStatus.NO_POLICY, Optional.empty(), queried, notes, Optional.empty());
    }

    @Override
    public OrganizationalDomainLookup organizationalDomain(String domain) {
        return OrganizationalDomainLookup.found(domain, registrableDomain(domain));
    }

    /** The public suffix plus one label; a public suffix is its own Organizational Domain. */
    static String registrableDomain(String domain) {
        try {
            InternetDomainName name = InternetDomainName.from(domain);
            if (name.isUnderPublicSuffix()) {
                return name.topPrivateDomain().toString();
            }
            if (name.isPublicSuffix()) {
                return domain;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a name Guava will not read (odd characters): the default rule below still applies
        }
        return DomainNames.lastLabels(domain, 2);
    }

    @Override
    public String toString() {
        return "public suffix list discovery (RFC 7489)";
    }
}
