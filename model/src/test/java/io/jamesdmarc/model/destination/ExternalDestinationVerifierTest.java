package io.jamesdmarc.model.destination;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.policy.DiscoveredPolicy;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.testing.LoopbackDnsServer.Fault;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;

/** Report destinations (RFC 9990 "Verifying External Destinations", RFC 9991), with RFC 9989 B.2.3 and B.2.4. */
class ExternalDestinationVerifierTest {
    private static LoopbackDnsServer dns;
    private static PolicyDiscovery discovery;
    private static ExternalDestinationVerifier verifier;

    @BeforeAll
    static void start() {
        dns = LoopbackDnsServer.start("""
            _dmarc.example.com.  TXT "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com,mailto:agg@reports.example.net; " "ruf=mailto:auth-reports@thirdparty.example.net"
            _dmarc.mail.example.com. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
            ; RFC 9989 B.2.3: the third party consents
            example.com._report._dmarc.thirdparty.example.net.  TXT "v=DMARC1;"
            ; RFC 9989 B.2.4: the third party overrides the addresses
            example.com._report._dmarc.override.example.net.  TXT ( "v=DMARC1; "
                "rua=mailto:aggregate-reports@override.example.net; "
                "ruf=mailto:failure-reports@override.example.net" )
            example.com._report._dmarc.evil.example.net.  TXT "v=DMARC1; rua=mailto:x@victim.example"
            *._report._dmarc.anyone.example.  TXT "v=DMARC1"
            example.com._report._dmarc.wrong.example.  TXT "v=spf1 -all"
            example.com._report._dmarc.two.example.  TXT "not dmarc"
            example.com._report._dmarc.two.example.  TXT "v=DMARC1"
            _dmarc.psd.example.  TXT "v=DMARC1; p=reject; psd=y; rua=mailto:psd@psd.example; ruf=mailto:psd@psd.example"
            """)
            .failWith("example.com._report._dmarc.slow.example", Fault.SERVFAIL)
            .failWith("_dmarc.flaky.example", Fault.SERVFAIL);
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    /** A fresh cache for each test, so that the server sees every question the test asks. */
    @BeforeEach
    void freshResolver() {
        dns.clearQueries();
        DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(Duration.ofMillis(250)).withAttempts(1));
        discovery = PolicyDiscovery.create(DiscoveryMethod.TREEWALK, resolver);
        verifier = new ExternalDestinationVerifier(resolver, discovery);
    }

    private static ReportDestination verify(String policyDomain, String uri, ReportKind kind) {
        return verifier.verify(policyDomain, ReportUri.parse(uri), kind);
    }

    @Test
    void aDestinationInsideTheOrganizationalDomainNeedsNoConsent() {
        ReportDestination same = verify("example.com", "mailto:dmarc-feedback@example.com", ReportKind.AGGREGATE);
        ReportDestination below = verify("mail.example.com", "mailto:dmarc@example.com", ReportKind.AGGREGATE);

        assertThat(same.status()).isEqualTo(DestinationStatus.INTERNAL);
        assertThat(same.mailboxes()).containsExactly("dmarc-feedback@example.com");
        assertThat(below.status()).isEqualTo(DestinationStatus.INTERNAL);
        assertThat(dns.txtQueries()).noneMatch(q -> q.contains("._report._dmarc."));
    }

    @Test
    void rfc9989B23AThirdPartyThatConsentsIsAuthorised() {
        ReportDestination destination = verify("example.com", "mailto:auth-reports@thirdparty.example.net", ReportKind.FAILURE);

        assertThat(destination.status()).isEqualTo(DestinationStatus.AUTHORISED);
        assertThat(destination.deliverable()).isTrue();
        assertThat(destination.mailboxes()).containsExactly("auth-reports@thirdparty.example.net");
        assertThat(dns.txtQueries()).contains("example.com._report._dmarc.thirdparty.example.net");
    }

    @Test
    void aThirdPartyWithoutConsentIsNotAuthorised() {
        ReportDestination destination = verify("example.com", "mailto:agg@reports.example.net", ReportKind.AGGREGATE);

        assertThat(destination.status()).isEqualTo(DestinationStatus.NOT_AUTHORISED);
        assertThat(destination.deliverable()).isFalse();
        assertThat(destination.mailboxes()).isEmpty();
        assertThat(destination.detail()).contains("example.com._report._dmarc.reports.example.net");
    }

    @Test
    void rfc9989B24TheThirdPartyOverridesTheAddressForEachKind() {
        ReportDestination aggregate = verify("example.com", "mailto:dmarc@override.example.net", ReportKind.AGGREGATE);
        ReportDestination failure = verify("example.com", "mailto:dmarc@override.example.net", ReportKind.FAILURE);

        assertThat(aggregate.mailboxes()).containsExactly("aggregate-reports@override.example.net");
        assertThat(failure.mailboxes()).containsExactly("failure-reports@override.example.net");
    }

    @Test
    void anOverrideToAnotherHostAuthorisesNeither() {
        ReportDestination destination = verify("example.com", "mailto:reports@evil.example.net", ReportKind.AGGREGATE);

        assertThat(destination.status()).isEqualTo(DestinationStatus.NOT_AUTHORISED);
        assertThat(destination.detail()).contains("another host");
    }

    @Test
    void aWildcardConsentIsTheDnsServersAnswerTheVerifierAsksTheExactName() {
        ReportDestination destination = verify("example.com", "mailto:r@anyone.example", ReportKind.AGGREGATE);

        assertThat(destination.status()).isEqualTo(DestinationStatus.AUTHORISED);
        assertThat(dns.txtQueries()).contains("example.com._report._dmarc.anyone.example").noneMatch(q -> q.contains("*"));
    }

    @Test
    void onlyRecordsStartingWithVDmarc1Consent() {
        assertThat(verify("example.com", "mailto:r@wrong.example", ReportKind.AGGREGATE).status())
            .isEqualTo(DestinationStatus.NOT_AUTHORISED);
        assertThat(verify("example.com", "mailto:r@two.example", ReportKind.AGGREGATE).status())
            .isEqualTo(DestinationStatus.AUTHORISED);
    }

    @Test
    void aDnsFailureIsATemporaryErrorToRetryLater() {
        ReportDestination consent = verify("example.com", "mailto:r@slow.example", ReportKind.AGGREGATE);
        ReportDestination organizational = verify("example.com", "mailto:r@flaky.example", ReportKind.AGGREGATE);

        assertThat(consent.status()).isEqualTo(DestinationStatus.TEMPERROR);
        assertThat(consent.detail()).contains("SERVFAIL");
        assertThat(organizational.status()).isEqualTo(DestinationStatus.TEMPERROR);
        assertThat(organizational.detail()).contains("flaky.example");
    }

    @Test
    void aNameTooLongForTheDnsCannotConsent() {
        String host = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "." + "d".repeat(40) + ".example";

        ReportDestination destination = verify("example.com", "mailto:r@" + host, ReportKind.AGGREGATE);

        assertThat(destination.status()).isEqualTo(DestinationStatus.NOT_AUTHORISED);
        assertThat(destination.detail()).contains("too long");
    }

    @Test
    void uriSchemesOtherThanMailtoAreIgnored() {
        ReportDestination destination = verify("example.com", "https://example.com/dmarc", ReportKind.AGGREGATE);

        assertThat(destination.status()).isEqualTo(DestinationStatus.IGNORED);
        assertThat(destination.detail()).contains("https");
    }

    @Test
    void listsEveryRequestedDestinationOfAPolicy() {
        DiscoveredPolicy policy = discovery.discover("example.com").policy().orElseThrow();

        List<ReportDestination> aggregate = verifier.destinations(policy, ReportKind.AGGREGATE);
        List<ReportDestination> failure = verifier.destinations(policy, ReportKind.FAILURE);

        assertThat(aggregate).extracting(ReportDestination::status)
            .containsExactly(DestinationStatus.INTERNAL, DestinationStatus.NOT_AUTHORISED);
        assertThat(failure).extracting(ReportDestination::status).containsExactly(DestinationStatus.AUTHORISED);
    }

    @Test
    void theRufOfAPsdRecordIsIgnored() {
        DiscoveredPolicy policy = discovery.discover("brand.psd.example").policy().orElseThrow();

        assertThat(verifier.destinations(policy, ReportKind.FAILURE)).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(DestinationStatus.IGNORED);
            assertThat(d.detail()).contains("psd=y");
        });
        assertThat(verifier.destinations(policy, ReportKind.AGGREGATE)).singleElement()
            .satisfies(d -> assertThat(d.status()).isEqualTo(DestinationStatus.INTERNAL));
    }
}
