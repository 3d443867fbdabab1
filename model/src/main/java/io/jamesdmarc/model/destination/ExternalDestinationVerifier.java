package io.jamesdmarc.model.destination;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.model.dns.DnsAnswer;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsStatus;
import io.jamesdmarc.model.policy.DiscoveredPolicy;
import io.jamesdmarc.model.policy.DmarcRecord;
import io.jamesdmarc.model.policy.DmarcRecordException;
import io.jamesdmarc.model.policy.OrganizationalDomainLookup;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.vocabulary.PsdFlag;

/**
 * Decides where reports may go ("Verifying External Destinations" of RFC 9990, which RFC 9991
 * applies to ruf): a destination outside the Organizational Domain of the policy domain must
 * consent with a TXT record starting with {@code v=DMARC1} at
 * {@code <policy-domain>._report._dmarc.<destination-host>}, which may also override the address
 * with others on the same host. Wildcards are the DNS server's business: the name asked is
 * always the exact one. {@code ruf} of a {@code psd=y} record is ignored (RFC 9991). Thread-safe.
 */
public final class ExternalDestinationVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalDestinationVerifier.class);
    private static final String REPORT_LABELS = "._report._dmarc.";
    private static final int MAX_NAME = 253;

    private final DnsResolver dns;
    private final PolicyDiscovery discovery;

    /** @param discovery the discovery the evaluator uses, so that both agree on Organizational Domains */
    public ExternalDestinationVerifier(DnsResolver dns, PolicyDiscovery discovery) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
    }

    /** Every destination the policy requests for {@code kind}, in published order, each with its verdict. */
    public List<ReportDestination> destinations(DiscoveredPolicy policy, ReportKind kind) {
        DmarcRecord record = policy.record();
        List<ReportUri> uris = kind == ReportKind.AGGREGATE ? record.rua() : record.ruf();
        List<ReportDestination> destinations = new ArrayList<>();
        for (ReportUri uri : uris) {
            if (kind == ReportKind.FAILURE && record.psdFlag() == PsdFlag.YES) {
                destinations.add(new ReportDestination(uri, DestinationStatus.IGNORED, List.of(),
                    "ruf of a psd=y record is ignored (RFC 9991)"));
            } else {
                destinations.add(verify(policy.policyDomain(), uri, kind));
            }
        }
        return destinations;
    }

    /** The verdict on one URI requested by the record of {@code policyDomain}. */
    public ReportDestination verify(String policyDomain, ReportUri uri, ReportKind kind) {
        if (!uri.usable()) {
            return new ReportDestination(uri, DestinationStatus.IGNORED, List.of(), uri.ignoredBecause().orElseThrow());
        }
        String mailbox = uri.mailbox().orElseThrow();
        String host = uri.host().orElseThrow();
        OrganizationalDomainLookup policyOrganizational = discovery.organizationalDomain(policyDomain);
        OrganizationalDomainLookup hostOrganizational = discovery.organizationalDomain(host);
        for (OrganizationalDomainLookup lookup : List.of(policyOrganizational, hostOrganizational)) {
            if (lookup.temporaryError().isPresent()) {
                return new ReportDestination(uri, DestinationStatus.TEMPERROR, List.of(),
                    "Organizational Domain of " + lookup.domain() + " unknown: " + lookup.temporaryError().get());
            }
        }
        if (policyOrganizational.organizationalDomain().equals(hostOrganizational.organizationalDomain())) {
            return new ReportDestination(uri, DestinationStatus.INTERNAL, List.of(mailbox),
                host + " is inside " + policyOrganizational.organizationalDomain().orElseThrow());
        }
        return external(policyDomain, uri, kind, mailbox, host);
    }

    private ReportDestination external(String policyDomain, ReportUri uri, ReportKind kind, String mailbox, String host) {
        String name = policyDomain + REPORT_LABELS + host;
        if (name.length() > MAX_NAME) {
            return notAuthorised(uri, name + " is too long for the DNS: consent cannot be checked");
        }
        DnsAnswer answer = dns.txt(name);
        if (answer.isTemporaryFailure()) {
            return new ReportDestination(uri, DestinationStatus.TEMPERROR, List.of(), "TXT " + name + ": " + answer.detail());
        }
        if (answer.status() == DnsStatus.INVALID_NAME) {
            return notAuthorised(uri, name + " is not a valid DNS name: consent cannot be checked");
        }
        List<DmarcRecord> consents = new ArrayList<>();
        for (String text : answer.records()) {
            try {
                consents.add(DmarcRecord.parse(text));
            } catch (DmarcRecordException notDmarc) {
                // step 6: records not starting with v=DMARC1 are discarded
            }
        }
        if (consents.isEmpty()) {
            return notAuthorised(uri, "no v=DMARC1 record at " + name);
        }
        Optional<DmarcRecord> overriding = consents.stream().filter(c -> c.tags().containsKey(kind.tag())).findFirst();
        if (overriding.isEmpty()) {
            return authorised(uri, List.of(mailbox), host + " consents at " + name);
        }
        List<ReportUri> overrides = kind == ReportKind.AGGREGATE ? overriding.get().rua() : overriding.get().ruf();
        List<String> mailboxes = new ArrayList<>();
        for (ReportUri override : overrides) {
            if (override.usable() && !override.host().orElseThrow().equals(host)) {
                // step 9: an override must stay on the destination host, else nothing is sent to either
                return notAuthorised(uri, name + " overrides " + kind.tag() + " with " + override.text()
                    + ", another host than " + host + ": no report to either");
            }
            override.mailbox().ifPresent(mailboxes::add);
        }
        if (mailboxes.isEmpty()) {
            return authorised(uri, List.of(mailbox), host + " consents at " + name
                + " (its " + kind.tag() + " override has no usable URI: kept " + mailbox + ")");
        }
        return authorised(uri, mailboxes, host + " consents at " + name + " and overrides " + mailbox + " with " + mailboxes);
    }

    private static ReportDestination authorised(ReportUri uri, List<String> mailboxes, String detail) {
        return new ReportDestination(uri, DestinationStatus.AUTHORISED, mailboxes, detail);
    }

    private static ReportDestination notAuthorised(ReportUri uri, String detail) {
        LOG.info("report destination {} not authorised: {}", uri.text(), detail);
        return new ReportDestination(uri, DestinationStatus.NOT_AUTHORISED, List.of(), detail);
    }
}
