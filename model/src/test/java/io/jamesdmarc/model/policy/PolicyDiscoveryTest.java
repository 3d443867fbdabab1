package io.jamesdmarc.model.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.testing.LoopbackDnsServer.Fault;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.PolicyAction;

/** Policy discovery and Organizational Domains, against a real DNS server, with RFC 9989's own examples. */
class PolicyDiscoveryTest {
    private LoopbackDnsServer dns;

    @AfterEach
    void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private PolicyDiscovery treeWalk(String zone) {
        return discovery(DiscoveryMethod.TREEWALK, zone);
    }

    private PolicyDiscovery discovery(DiscoveryMethod method, String zone) {
        dns = LoopbackDnsServer.start(zone);
        DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address()))
            .withTimeout(Duration.ofMillis(300)).withAttempts(1));
        return PolicyDiscovery.create(method, resolver);
    }

    private static String organizational(PolicyDiscovery discovery, String domain) {
        return discovery.organizationalDomain(domain).organizationalDomain().orElseThrow();
    }

    @Test
    void rfc9989Section410TheTreeWalkOfALongNameSkipsToSevenLabels() {
        assertThat(TreeWalk.targets("a.b.c.d.e.f.g.h.i.j.mail.example.com")).containsExactly(
            "a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
            "i.j.mail.example.com", "j.mail.example.com", "mail.example.com", "example.com", "com");
    }

    @Test
    void eightLabelsOrFewerWalkOneLabelAtATime() {
        assertThat(TreeWalk.targets("a.b.c.d.e.f.example.com")).hasSize(8)
            .startsWith("a.b.c.d.e.f.example.com", "b.c.d.e.f.example.com");
        assertThat(TreeWalk.targets("x.a.b.c.d.e.f.example.com")).hasSize(8)
            .startsWith("x.a.b.c.d.e.f.example.com", "b.c.d.e.f.example.com");
        assertThat(TreeWalk.targets("example.com")).containsExactly("example.com", "com");
        assertThat(TreeWalk.targets("localhost")).containsExactly("localhost");
    }

    @Test
    void rfc9989B42DeepTreeWalkAsksExactlyTheEightNamesOfTheExample() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.example.com.          TXT "v=DMARC1; p=reject"
            _dmarc.signing.example.com.  TXT "v=DMARC1; p=none"
            """);

        PolicyLookup lookup = discovery.discover("a.b.c.d.e.f.g.h.i.j.k.example.com");

        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com",
            "_dmarc.g.h.i.j.k.example.com", "_dmarc.h.i.j.k.example.com", "_dmarc.i.j.k.example.com",
            "_dmarc.j.k.example.com", "_dmarc.k.example.com", "_dmarc.example.com", "_dmarc.com");
        assertThat(lookup.queried()).isEqualTo(dns.txtQueries());
        DiscoveredPolicy policy = lookup.policy().orElseThrow();
        assertThat(policy.policyDomain()).isEqualTo("example.com");
        assertThat(policy.origin()).isEqualTo(PolicyOrigin.ORGANIZATIONAL_DOMAIN);
        assertThat(policy.authorOrganizationalDomain().organizationalDomain()).contains("example.com");
        assertThat(organizational(discovery, "signing.example.com")).isEqualTo("example.com");
    }

    @Test
    void rfc9989B41SimpleOrganizationalAndPolicyExample() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.example.com.          TXT "v=DMARC1; p=reject"
            _dmarc.signing.example.com.  TXT "v=DMARC1; p=none"
            """);

        PolicyLookup lookup = discovery.discover("example.com");

        assertThat(lookup.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(lookup.policy().orElseThrow().policyDomain()).isEqualTo("example.com");
        assertThat(lookup.policy().orElseThrow().origin()).isEqualTo(PolicyOrigin.AUTHOR_DOMAIN);
        assertThat(lookup.queried()).containsExactly("_dmarc.example.com", "_dmarc.com");
        assertThat(organizational(discovery, "example.com")).isEqualTo("example.com");
        assertThat(organizational(discovery, "signing.example.com")).isEqualTo("example.com");
    }

    @Test
    void rfc9989B43PsdRecordPutsTheOrganizationalDomainOneLabelBelow() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.bank.example.        TXT "v=DMARC1; p=reject; psd=y"
            _dmarc.giant.bank.example.  TXT "v=DMARC1; p=quarantine"
            """);

        PolicyLookup author = discovery.discover("giant.bank.example");

        assertThat(author.policy().orElseThrow().policyDomain()).isEqualTo("giant.bank.example");
        assertThat(author.policy().orElseThrow().authorOrganizationalDomain().organizationalDomain()).contains("giant.bank.example");
        assertThat(author.queried()).containsExactly("_dmarc.giant.bank.example", "_dmarc.bank.example");
        assertThat(organizational(discovery, "mail.giant.bank.example")).isEqualTo("giant.bank.example");
        assertThat(organizational(discovery, "mail.mega.bank.example")).isEqualTo("mega.bank.example");
    }

    @Test
    void rfc9989Section4102Examples() {
        PolicyDiscovery twoRecords = treeWalk("""
            _dmarc.mail.example.com.  TXT "v=DMARC1; p=none"
            _dmarc.example.com.       TXT "v=DMARC1; p=reject"
            """);
        assertThat(organizational(twoRecords, "a.mail.example.com")).isEqualTo("example.com");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.mail.example.com", "_dmarc.mail.example.com",
            "_dmarc.example.com", "_dmarc.com");
        dns.close();

        PolicyDiscovery psdNo = treeWalk("""
            _dmarc.mail.example.com.  TXT "v=DMARC1; p=none; psd=n"
            _dmarc.example.com.       TXT "v=DMARC1; p=reject"
            """);
        assertThat(organizational(psdNo, "a.mail.example.com")).isEqualTo("mail.example.com");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.mail.example.com", "_dmarc.mail.example.com");
        dns.close();

        PolicyDiscovery psdAtTld = treeWalk("""
            _dmarc.com.  TXT "v=DMARC1; p=reject; psd=y"
            """);
        assertThat(organizational(psdAtTld, "a.mail.example.com")).isEqualTo("example.com");
    }

    @Test
    void aRecordBelowTheOrganizationalDomainDoesNotApplyToItsSubdomains() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.mail.example.com.  TXT "v=DMARC1; p=none"
            _dmarc.example.com.       TXT "v=DMARC1; p=reject; sp=quarantine"
            """);

        DiscoveredPolicy policy = discovery.discover("a.mail.example.com").policy().orElseThrow();

        assertThat(policy.policyDomain()).isEqualTo("example.com");
        assertThat(policy.record().subdomainPolicy()).contains(PolicyAction.QUARANTINE);
    }

    @Test
    void thePublicSuffixDomainPolicyAppliesWhenTheOrganizationalDomainHasNone() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.bank.example.  TXT "v=DMARC1; p=reject; np=reject; psd=y; rua=mailto:psd@reports.example"
            """);

        PolicyLookup lookup = discovery.discover("www.nosuch.bank.example");

        DiscoveredPolicy policy = lookup.policy().orElseThrow();
        assertThat(policy.policyDomain()).isEqualTo("bank.example");
        assertThat(policy.origin()).isEqualTo(PolicyOrigin.PUBLIC_SUFFIX_DOMAIN);
        assertThat(policy.authorOrganizationalDomain().organizationalDomain()).contains("nosuch.bank.example");
    }

    @Test
    void aPsdRecordDoesNotHideTheOrganizationalDomainsOwnRecord() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.com.          TXT "v=DMARC1; p=reject; psd=y"
            _dmarc.example.com.  TXT "v=DMARC1; p=none"
            """);

        DiscoveredPolicy policy = discovery.discover("a.example.com").policy().orElseThrow();

        assertThat(policy.policyDomain()).isEqualTo("example.com");
        assertThat(policy.origin()).isEqualTo(PolicyOrigin.ORGANIZATIONAL_DOMAIN);
    }

    @Test
    void noRecordAnywhereMeansNoPolicy() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.other.example.  TXT "v=DMARC1; p=reject"
            """);

        PolicyLookup lookup = discovery.discover("mail.example.com");

        assertThat(lookup.status()).isEqualTo(DiscoveryStatus.NO_POLICY);
        assertThat(lookup.policy()).isEmpty();
        assertThat(lookup.queried()).containsExactly("_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com");
        assertThat(organizational(discovery, "mail.example.com")).isEqualTo("mail.example.com");
    }

    @Test
    void severalDmarcRecordsAtOneNameAreAllDiscardedAndTheWalkGoesOn() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.mail.example.com.  TXT "v=DMARC1; p=none"
            _dmarc.mail.example.com.  TXT "v=DMARC1; p=reject"
            _dmarc.example.com.       TXT "v=DMARC1; p=quarantine"
            """);

        PolicyLookup lookup = discovery.discover("mail.example.com");

        assertThat(lookup.policy().orElseThrow().policyDomain()).isEqualTo("example.com");
        assertThat(lookup.notes()).containsExactly("2 DMARC records at _dmarc.mail.example.com: all discarded");
    }

    @Test
    void otherTxtRecordsAtTheNameAreNotCounted() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.example.com.  TXT "v=spf1 -all"
            _dmarc.example.com.  TXT "v=DMARC1; p=reject"
            _dmarc.example.com.  TXT "google-site-verification=abc"
            """);

        PolicyLookup lookup = discovery.discover("example.com");

        assertThat(lookup.policy().orElseThrow().record().policy()).contains(PolicyAction.REJECT);
        assertThat(lookup.notes()).isEmpty();
    }

    @Test
    void aDnsFailureOnTheWayIsATemporaryErrorNeverNoPolicy() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.example.com.  TXT "v=DMARC1; p=reject"
            """);
        dns.failWith("_dmarc.mail.example.com", Fault.SERVFAIL);

        PolicyLookup lookup = discovery.discover("mail.example.com");

        assertThat(lookup.status()).isEqualTo(DiscoveryStatus.TEMPERROR);
        assertThat(lookup.temporaryError().orElseThrow()).contains("_dmarc.mail.example.com").contains("SERVFAIL");
    }

    @Test
    void aTimeoutAboveTheAuthorDomainsOwnRecordLeavesOnlyTheOrganizationalDomainUnknown() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.example.com.  TXT "v=DMARC1; p=reject"
            """);
        dns.failWith("_dmarc.com", Fault.DROP);

        PolicyLookup lookup = discovery.discover("example.com");

        assertThat(lookup.status()).isEqualTo(DiscoveryStatus.FOUND);
        assertThat(lookup.policy().orElseThrow().authorOrganizationalDomain().temporaryError().orElseThrow())
            .contains("_dmarc.com");
        assertThat(discovery.organizationalDomain("example.com").temporaryError()).isPresent();
    }

    @Test
    void aTimeoutAboveAnAuthorDomainWithoutRecordIsATemporaryError() {
        PolicyDiscovery discovery = treeWalk("""
            _dmarc.example.com.  TXT "v=DMARC1; p=reject"
            """);
        dns.failWith("_dmarc.com", Fault.DROP);

        assertThat(discovery.discover("mail.example.com").status()).isEqualTo(DiscoveryStatus.TEMPERROR);
    }

    @Test
    void publicSuffixListDiscoveryAsksTheAuthorDomainThenTheRegisteredDomain() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.PSL, """
            _dmarc.example.co.uk.  TXT "v=DMARC1; p=reject"
            """);

        PolicyLookup lookup = discovery.discover("a.b.example.co.uk");

        assertThat(lookup.queried()).containsExactly("_dmarc.a.b.example.co.uk", "_dmarc.example.co.uk");
        assertThat(dns.txtQueries()).isEqualTo(lookup.queried());
        DiscoveredPolicy policy = lookup.policy().orElseThrow();
        assertThat(policy.policyDomain()).isEqualTo("example.co.uk");
        assertThat(policy.method()).isEqualTo(DiscoveryMethod.PSL);
        assertThat(policy.origin()).isEqualTo(PolicyOrigin.ORGANIZATIONAL_DOMAIN);
        assertThat(organizational(discovery, "mail.example.co.uk")).isEqualTo("example.co.uk");
    }

    @Test
    void publicSuffixListIgnoresRecordsBetweenAuthorAndRegisteredDomainAndPsdRecords() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.PSL, """
            _dmarc.b.example.com.  TXT "v=DMARC1; p=none; psd=n"
            _dmarc.com.            TXT "v=DMARC1; p=reject; psd=y"
            """);

        assertThat(discovery.discover("a.b.example.com").status()).isEqualTo(DiscoveryStatus.NO_POLICY);
        assertThat(organizational(discovery, "a.b.example.com")).isEqualTo("example.com");
        assertThat(dns.txtQueries()).containsExactly("_dmarc.a.b.example.com", "_dmarc.example.com");
    }

    @Test
    void publicSuffixListDefaultRuleAndSuffixesThemselves() {
        assertThat(PublicSuffixListDiscovery.registrableDomain("a.b.example")).isEqualTo("b.example");
        assertThat(PublicSuffixListDiscovery.registrableDomain("co.uk")).isEqualTo("co.uk");
        assertThat(PublicSuffixListDiscovery.registrableDomain("localhost")).isEqualTo("localhost");
        assertThat(PublicSuffixListDiscovery.registrableDomain("mail.example.com")).isEqualTo("example.com");
    }

    @Test
    void publicSuffixListDnsFailureIsATemporaryError() {
        PolicyDiscovery discovery = discovery(DiscoveryMethod.PSL, "");
        dns.failWith("_dmarc.example.com", Fault.SERVFAIL);

        assertThat(discovery.discover("mail.example.com").status()).isEqualTo(DiscoveryStatus.TEMPERROR);
    }
}
