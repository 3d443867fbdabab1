package io.jamesdmarc.model.policy;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;

/**
 * RFC 9989 policy discovery (section 4.10.1): the record of the Author Domain, else of its
 * Organizational Domain, else of its Public Suffix Domain, all from one tree walk that starts at
 * the Author Domain (the walk from the Author Domain is the same one that finds its
 * Organizational Domain, so one walk serves both).
 */
final class TreeWalkDiscovery implements PolicyDiscovery {
    private final TreeWalk treeWalk;

    TreeWalkDiscovery(DnsResolver dns) {
        this.treeWalk = new TreeWalk(Objects.requireNonNull(dns, "dns"));
    }

    @Override
    public DiscoveryMethod method() {
        return DiscoveryMethod.TREEWALK;
    }

    @Override
    public PolicyLookup discover(String authorDomain) {
        TreeWalk.Result walk = treeWalk.walk(authorDomain);
        Optional<DmarcRecord> own = walk.recordFor(authorDomain);
        if (own.isPresent()) {
            // the Author Domain's own record applies even if the walk above it failed: only
            // relaxed alignment needs the Organizational Domain, and it then reports the failure
            return found(walk, new DiscoveredPolicy(authorDomain, own.get(), PolicyOrigin.AUTHOR_DOMAIN, method(),
                walk.organizationalDomain()));
        }
        if (walk.temporaryError().isPresent()) {
            return new PolicyLookup(authorDomain, DiscoveryStatus.TEMPERROR, Optional.empty(), walk.queried(),
                walk.notes(), walk.temporaryError());
        }
        if (walk.found().isEmpty()) {
            return new PolicyLookup(authorDomain, DiscoveryStatus.NO_POLICY, Optional.empty(), walk.queried(),
                walk.notes(), Optional.empty());
        }
        OrganizationalDomainLookup organizational = walk.organizationalDomain();
        String organizationalDomain = organizational.organizationalDomain().orElseThrow();
        Optional<DmarcRecord> atOrganizational = walk.recordFor(organizationalDomain);
        if (atOrganizational.isPresent()) {
            return found(walk, new DiscoveredPolicy(organizationalDomain, atOrganizational.get(),
                PolicyOrigin.ORGANIZATIONAL_DOMAIN, method(), organizational));
        }
        // the Organizational Domain has no record: it sits below a psd=y record, the walk's last
        FoundRecord publicSuffix = walk.found().getLast();
        return found(walk, new DiscoveredPolicy(publicSuffix.domain(), publicSuffix.record(),
            PolicyOrigin.PUBLIC_SUFFIX_DOMAIN, method(), organizational));
    }

    @Override
    public OrganizationalDomainLookup organizationalDomain(String domain) {
        return treeWalk.walk(domain).organizationalDomain();
    }

    private static PolicyLookup found(TreeWalk.Result walk, DiscoveredPolicy policy) {
        return new PolicyLookup(walk.start(), DiscoveryStatus.FOUND, Optional.of(policy), walk.queried(),
            walk.notes(), Optional.empty());
    }

    @Override
    public String toString() {
        return "tree walk discovery (RFC 9989)";
    }
}
