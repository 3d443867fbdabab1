package io.jamesdmarc.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.policy.OrganizationalDomainLookup;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.testing.LoopbackDnsServer.Fault;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;

/** RFC 9989 table 1 and the edges of relaxed and strict alignment. */
class IdentifierAlignerTest {
    private LoopbackDnsServer dns;

    @AfterEach
    void stop() {
        dns.close();
    }

    private PolicyDiscovery discovery(DiscoveryMethod method, String zone) {
        dns = LoopbackDnsServer.start(zone);
        return PolicyDiscovery.create(method, new DnsResolver(DnsSettings.of(List.of(dns.address()))
            .withTimeout(Duration.ofMillis(250)).withAttempts(1)));
    }

    private static IdentifierAligner.Match match(PolicyDiscovery discovery, String author, String identifier, Alignment mode) {
        OrganizationalDomainLookup authorOrganizational = discovery.organizationalDomain(author);
        return new IdentifierAligner(discovery).match(author, authorOrganizational, identifier, mode);
    }

    @Test
    void rfc9989Table1() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.TREEWALK, """
            _dmarc.example.com. TXT "v=DMARC1; p=none"
            """);

        IdentifierAligner.Match relaxed = match(discovery, "news.example.com", "foo.example.com", Alignment.RELAXED);
        IdentifierAligner.Match strict = match(discovery, "news.example.com", "news.example.com", Alignment.STRICT);
        IdentifierAligner.Match none = match(discovery, "news.example.com", "foo.example.net", Alignment.RELAXED);

        assertThat(relaxed.status()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(relaxed.exact()).isFalse();
        assertThat(relaxed.detail()).contains("Organizational Domain example.com");
        assertThat(strict.status()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(strict.exact()).isTrue();
        assertThat(none.status()).isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void strictModeNeedsTheSameNameAndAsksNothing() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.TREEWALK, """
            _dmarc.example.com. TXT "v=DMARC1; p=none"
            """);
        dns.clearQueries();

        IdentifierAligner.Match match = new IdentifierAligner(discovery).match("news.example.com",
            OrganizationalDomainLookup.found("news.example.com", "example.com"), "foo.example.com", Alignment.STRICT);

        assertThat(match.status()).isEqualTo(AlignmentStatus.NOT_ALIGNED);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void namesUnderDifferentTopLevelDomainsCostNoQuery() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.TREEWALK, "");
        dns.clearQueries();

        IdentifierAligner.Match match = new IdentifierAligner(discovery).match("example.com",
            OrganizationalDomainLookup.found("example.com", "example.com"), "example.net", Alignment.RELAXED);

        assertThat(match.status()).isEqualTo(AlignmentStatus.NOT_ALIGNED);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void aParentIsAlignedWithItsChildWhenTheyShareTheOrganizationalDomain() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.TREEWALK, """
            _dmarc.example.com. TXT "v=DMARC1; p=none"
            """);

        assertThat(match(discovery, "example.com", "child.example.com", Alignment.RELAXED).status()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(match(discovery, "child.example.com", "example.com", Alignment.RELAXED).status()).isEqualTo(AlignmentStatus.ALIGNED);
    }

    @Test
    void withoutAnyRecordEachNameIsItsOwnOrganizationalDomain() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.TREEWALK, "");

        assertThat(match(discovery, "a.example.com", "b.example.com", Alignment.RELAXED).status())
            .isEqualTo(AlignmentStatus.NOT_ALIGNED);
    }

    @Test
    void thePublicSuffixListAlignsSiblingsWithoutAnyRecord() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.PSL, "");

        assertThat(match(discovery, "a.example.com", "b.example.com", Alignment.RELAXED).status()).isEqualTo(AlignmentStatus.ALIGNED);
        assertThat(match(discovery, "a.example.co.uk", "b.other.co.uk", Alignment.RELAXED).status())
            .isEqualTo(AlignmentStatus.NOT_ALIGNED);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void anOrganizationalDomainHiddenByTheDnsIsATemporaryError() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.TREEWALK, """
            _dmarc.example.com. TXT "v=DMARC1; p=none"
            """);
        dns.failWith("_dmarc.mail.example.com", Fault.SERVFAIL);

        IdentifierAligner.Match match = match(discovery, "example.com", "mail.example.com", Alignment.RELAXED);

        assertThat(match.status()).isEqualTo(AlignmentStatus.TEMPERROR);
        assertThat(match.detail()).contains("mail.example.com").contains("SERVFAIL");
    }
}
