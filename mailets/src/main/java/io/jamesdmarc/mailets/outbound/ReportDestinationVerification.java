package io.jamesdmarc.mailets.outbound;

import io.jamesdmarc.mailets.settings.DmarcDns;
import io.jamesdmarc.model.destination.ExternalDestinationVerifier;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;

/**
 * The external destination check (RFC 9990) the reporters use: the JVM's shared resolver for the
 * plugin's DNS settings ({@link DmarcDns}), and the policy discovery {@code DmarcEvaluate} uses, so that
 * both agree on Organizational Domains.
 */
public final class ReportDestinationVerification {

    private ReportDestinationVerification() {
    }

    public static ExternalDestinationVerifier verifier(DnsSettings dns, DiscoveryMethod discovery) {
        DnsResolver resolver = DmarcDns.resolver(dns);
        return new ExternalDestinationVerifier(resolver, PolicyDiscovery.create(discovery, resolver));
    }
}
