package io.jamesdmarc.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.testing.LoopbackDnsServer.Fault;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * Every branch of DMARC evaluation, RFC 9989's appendix B examples first, against a real DNS
 * server on loopback holding one zone for all cases.
 */
class DmarcEvaluatorTest {

    private static final String ZONE = """
        ; RFC 9989 appendix B: example.com and its neighbours
        _dmarc.example.com.           TXT "v=DMARC1; p=reject; rua=mailto:dmarc-feedback@example.com; " "ruf=mailto:auth-reports@example.com; fo=1"
        _dmarc.signing.example.com.   TXT "v=DMARC1; p=none"
        child.example.com.            A   192.0.2.2
        _dmarc.flaky.example.com.     TXT "v=DMARC1; p=none"
        _dmarc.bank.example.          TXT "v=DMARC1; p=reject; psd=y"
        _dmarc.giant.bank.example.    TXT "v=DMARC1; p=quarantine"
        ; alignment modes
        _dmarc.strict.example.        TXT "v=DMARC1; p=quarantine; adkim=s; aspf=s"
        ; p=none and test mode
        _dmarc.monitor.example.       TXT "v=DMARC1; p=none; rua=mailto:d@monitor.example"
        _dmarc.testing.example.       TXT "v=DMARC1; p=reject; t=y"
        _dmarc.testq.example.         TXT "v=DMARC1; p=quarantine; t=y"
        _dmarc.testnone.example.      TXT "v=DMARC1; p=none; t=y"
        _dmarc.pct.example.           TXT "v=DMARC1; p=reject; pct=0"
        ; p, sp, np
        _dmarc.sub.example.           TXT "v=DMARC1; p=reject; sp=quarantine"
        exists.sub.example.           A   192.0.2.3
        _dmarc.np.example.            TXT "v=DMARC1; p=quarantine; sp=none; np=reject"
        www.np.example.               A   192.0.2.4
        x.ent.np.example.             A   192.0.2.5
        _dmarc.npnosp.example.        TXT "v=DMARC1; p=reject; np=none"
        www.npnosp.example.           A   192.0.2.6
        _dmarc.npsame.example.        TXT "v=DMARC1; p=reject; sp=quarantine; np=quarantine"
        ; invalid or odd records
        _dmarc.badp.example.          TXT "v=DMARC1; p=bogus; rua=mailto:d@badp.example"
        _dmarc.badpnorua.example.     TXT "v=DMARC1; p=bogus"
        _dmarc.nop.example.           TXT "v=DMARC1; rua=mailto:d@nop.example"
        _dmarc.bare.example.          TXT "v=DMARC1"
        _dmarc.badsp.example.         TXT "v=DMARC1; p=reject; sp=rejected; rua=mailto:d@badsp.example"
        _dmarc.dup.example.           TXT "v=DMARC1; p=none"
        _dmarc.dup.example.           TXT "v=DMARC1; p=reject"
        _dmarc.orgdup.example.        TXT "v=DMARC1; p=reject"
        _dmarc.multi.orgdup.example.  TXT "v=DMARC1; p=none"
        _dmarc.multi.orgdup.example.  TXT "v=DMARC1; p=quarantine"
        ; public suffix domains
        _dmarc.psd.example.           TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; psd=y; ruf=mailto:psd@psd.example"
        brand.psd.example.            A   192.0.2.7
        _dmarc.corp.psdn.example.     TXT "v=DMARC1; p=reject; psd=n"
        _dmarc.psdn.example.          TXT "v=DMARC1; p=none"
        _dmarc.shop.example.co.uk.    TXT "v=DMARC1; p=reject; psd=n"
        ; DNS failures (see the faults set below)
        _dmarc.slow.example.          TXT "v=DMARC1; p=reject"
        _dmarc.broken.example.        TXT "v=DMARC1; p=reject"
        ; internationalized domain
        _dmarc.xn--bcher-kva.example. TXT "v=DMARC1; p=reject"
        ; failure report options
        _dmarc.foall.example.         TXT "v=DMARC1; p=reject; ruf=mailto:f@foall.example; fo=0:d:s"
        """;

    private static LoopbackDnsServer dns;
    private static DnsResolver resolver;
    private static DmarcEvaluator treeWalk;
    private static DmarcEvaluator publicSuffixList;

    @BeforeAll
    static void startDns() {
        dns = LoopbackDnsServer.start(ZONE)
            .failWith("_dmarc.slow.example", Fault.DROP)
            .failWith("_dmarc.broken.example", Fault.SERVFAIL)
            .failWith("_dmarc.flaky.example.com", Fault.SERVFAIL)
            .failWith("timeout.np.example", Fault.DROP);
        resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(Duration.ofMillis(250)).withAttempts(1));
        treeWalk = new DmarcEvaluator(resolver, EvaluationSettings.DEFAULTS);
        publicSuffixList = new DmarcEvaluator(resolver, EvaluationSettings.DEFAULTS.withDiscoveryMethod(DiscoveryMethod.PSL));
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    static Stream<Case> cases() {
        return Stream.of(
            // RFC 9989 B.1.1 SPF examples
            c("B.1.1 example 1: SPF in strict alignment").from("sender@example.com").spf(SpfResult.PASS, "example.com")
                .expect(DmarcResult.PASS, Disposition.PASS).policy("example.com", PolicyTag.P, DomainRelation.AUTHOR_DOMAIN)
                .alignment(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, AlignmentStatus.ALIGNED).triggers(FailureOption.ANY_FAIL),
            c("B.1.1 example 2: SPF in relaxed alignment").from("sender@example.com").spf(SpfResult.PASS, "child.example.com")
                .expect(DmarcResult.PASS, Disposition.PASS).alignment(null, AlignmentStatus.ALIGNED),
            c("B.1.1 example 3: no SPF alignment").from("sender@child.example.com").spf(SpfResult.PASS, "example.net")
                .expect(DmarcResult.FAIL, Disposition.REJECT).policy("example.com", PolicyTag.P, DomainRelation.SUBDOMAIN)
                .alignment(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, AlignmentStatus.NOT_ALIGNED).triggers(FailureOption.ANY_FAIL),
            // RFC 9989 B.1.2 DKIM examples
            c("B.1.2 example 1: DKIM in strict alignment").from("sender@example.com").dkim(DkimResult.PASS, "example.com", "s1")
                .expect(DmarcResult.PASS, Disposition.PASS).alignment(AlignmentStatus.ALIGNED, AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER)
                .alignedSelector("s1"),
            c("B.1.2 example 2: DKIM in relaxed alignment").from("sender@child.example.com").dkim(DkimResult.PASS, "example.com", "s1")
                .expect(DmarcResult.PASS, Disposition.PASS).policy("example.com", PolicyTag.P, DomainRelation.SUBDOMAIN)
                .alignment(AlignmentStatus.ALIGNED, null),
            c("B.1.2 example 3: no DKIM alignment").from("sender@child.example.com").dkim(DkimResult.PASS, "example.net", "s1")
                .expect(DmarcResult.FAIL, Disposition.REJECT).alignment(AlignmentStatus.NOT_ALIGNED, null),
            // RFC 9989 B.4 tree walk examples
            c("B.4.1 simple organizational and policy example").from("a@example.com").spf(SpfResult.PASS, "example.com")
                .dkim(DkimResult.PASS, "signing.example.com", "s1")
                .expect(DmarcResult.PASS, Disposition.PASS).policy("example.com", PolicyTag.P, DomainRelation.AUTHOR_DOMAIN)
                .organizationalDomain("example.com").alignment(AlignmentStatus.ALIGNED, AlignmentStatus.ALIGNED).triggers(),
            c("B.4.2 deep tree walk").from("a@a.b.c.d.e.f.g.h.i.j.k.example.com").spf(SpfResult.PASS, "example.com")
                .dkim(DkimResult.PASS, "signing.example.com", "s1")
                .expect(DmarcResult.PASS, Disposition.PASS).policy("example.com", PolicyTag.P, DomainRelation.SUBDOMAIN)
                .organizationalDomain("example.com").alignment(AlignmentStatus.ALIGNED, AlignmentStatus.ALIGNED),
            c("B.4.2 deep tree walk, authentication failed").from("a@a.b.c.d.e.f.g.h.i.j.k.example.com")
                .spf(SpfResult.FAIL, "example.com").dkim(DkimResult.FAIL, "signing.example.com", "s1")
                .expect(DmarcResult.FAIL, Disposition.REJECT).policy("example.com", PolicyTag.P, DomainRelation.SUBDOMAIN)
                .alignment(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER),
            c("B.4.3 PSD record: SPF aligned, DKIM not").from("a@giant.bank.example").spf(SpfResult.PASS, "mail.giant.bank.example")
                .dkim(DkimResult.PASS, "mail.mega.bank.example", "s1")
                .expect(DmarcResult.PASS, Disposition.PASS).policy("giant.bank.example", PolicyTag.P, DomainRelation.AUTHOR_DOMAIN)
                .organizationalDomain("giant.bank.example").alignment(AlignmentStatus.NOT_ALIGNED, AlignmentStatus.ALIGNED),
            c("B.4.3 PSD record, SPF failed").from("a@giant.bank.example").spf(SpfResult.FAIL, "mail.giant.bank.example")
                .dkim(DkimResult.PASS, "mail.mega.bank.example", "s1")
                .expect(DmarcResult.FAIL, Disposition.QUARANTINE).alignment(AlignmentStatus.NOT_ALIGNED, AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER),
            // strict alignment
            c("adkim=s aspf=s: a subdomain is not aligned").from("a@strict.example").spf(SpfResult.PASS, "mail.strict.example")
                .dkim(DkimResult.PASS, "mail.strict.example", "s1")
                .expect(DmarcResult.FAIL, Disposition.QUARANTINE).alignment(AlignmentStatus.NOT_ALIGNED, AlignmentStatus.NOT_ALIGNED),
            c("adkim=s: the same domain is aligned").from("a@strict.example").dkim(DkimResult.PASS, "STRICT.example.", "s1")
                .expect(DmarcResult.PASS, Disposition.PASS).alignment(AlignmentStatus.ALIGNED, null),
            // authentication results
            c("a failed signature and a softfail authenticate nothing").from("a@example.com")
                .spf(SpfResult.SOFTFAIL, "example.com").dkim(DkimResult.FAIL, "example.com", "s1")
                .expect(DmarcResult.FAIL, Disposition.REJECT)
                .alignment(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER),
            c("several signatures: the aligned one is found").from("a@example.com")
                .dkim(DkimResult.FAIL, "example.com", "bad").dkim(DkimResult.PASS, "esp.example", "esp")
                .dkim(DkimResult.PASS, "mail.example.com", "good")
                .expect(DmarcResult.PASS, Disposition.PASS).alignment(AlignmentStatus.ALIGNED, null).alignedSelector("good"),
            c("several signatures: an exact match is preferred").from("a@example.com")
                .dkim(DkimResult.PASS, "mail.example.com", "relaxed").dkim(DkimResult.PASS, "example.com", "exact")
                .expect(DmarcResult.PASS, Disposition.PASS).alignedSelector("exact"),
            c("SPF of the HELO name when the reverse-path was null").from("a@example.com")
                .spf(new SpfCheck(SpfResult.PASS, "mx1.example.com", SpfScope.HELO))
                .expect(DmarcResult.PASS, Disposition.PASS).alignment(null, AlignmentStatus.ALIGNED),
            c("no authentication result at all").from("a@example.com").expect(DmarcResult.FAIL, Disposition.REJECT)
                .alignment(AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER, AlignmentStatus.NO_AUTHENTICATED_IDENTIFIER),
            // no policy, p=none, test mode, historic pct
            c("no DMARC record anywhere").from("a@nopolicy.example").spf(SpfResult.FAIL, "nopolicy.example")
                .expect(DmarcResult.NONE, Disposition.NONE).noPolicy()
                .alignment(AlignmentStatus.NOT_EVALUATED, AlignmentStatus.NOT_EVALUATED),
            c("p=none, failing").from("a@monitor.example").expect(DmarcResult.FAIL, Disposition.NONE)
                .policy("monitor.example", PolicyTag.P, DomainRelation.AUTHOR_DOMAIN),
            c("p=none, passing: no enforcing policy, so disposition none").from("a@monitor.example")
                .spf(SpfResult.PASS, "monitor.example").expect(DmarcResult.PASS, Disposition.NONE),
            c("t=y lowers reject to quarantine").from("a@testing.example").expect(DmarcResult.FAIL, Disposition.QUARANTINE)
                .applied(PolicyAction.REJECT, PolicyAction.QUARANTINE).testOverride(true),
            c("t=y lowers quarantine to none").from("a@testq.example").expect(DmarcResult.FAIL, Disposition.NONE)
                .applied(PolicyAction.QUARANTINE, PolicyAction.NONE).testOverride(true),
            c("t=y has no effect on none").from("a@testnone.example").expect(DmarcResult.FAIL, Disposition.NONE)
                .applied(PolicyAction.NONE, PolicyAction.NONE).testOverride(false),
            c("t=y on a passing message: no override").from("a@testing.example").spf(SpfResult.PASS, "testing.example")
                .expect(DmarcResult.PASS, Disposition.PASS).testOverride(false),
            c("pct=0 is historic: not test mode").from("a@pct.example").expect(DmarcResult.FAIL, Disposition.REJECT)
                .testOverride(false),
            // p, sp, np
            c("sp applies to an existing subdomain").from("a@exists.sub.example").expect(DmarcResult.FAIL, Disposition.QUARANTINE)
                .policy("sub.example", PolicyTag.SP, DomainRelation.SUBDOMAIN),
            c("p applies to the domain itself").from("a@sub.example").expect(DmarcResult.FAIL, Disposition.REJECT)
                .policy("sub.example", PolicyTag.P, DomainRelation.AUTHOR_DOMAIN),
            c("np applies to a non-existent subdomain").from("a@ghost.np.example").expect(DmarcResult.FAIL, Disposition.REJECT)
                .policy("np.example", PolicyTag.NP, DomainRelation.NON_EXISTENT_SUBDOMAIN),
            c("sp applies to an existing subdomain when np is set").from("a@www.np.example")
                .expect(DmarcResult.FAIL, Disposition.NONE).policy("np.example", PolicyTag.SP, DomainRelation.EXISTING_SUBDOMAIN),
            c("an empty non-terminal exists (NOERROR, no data)").from("a@ent.np.example")
                .expect(DmarcResult.FAIL, Disposition.NONE).policy("np.example", PolicyTag.SP, DomainRelation.EXISTING_SUBDOMAIN),
            c("np without sp, non-existent").from("a@ghost.npnosp.example").expect(DmarcResult.FAIL, Disposition.NONE)
                .policy("npnosp.example", PolicyTag.NP, DomainRelation.NON_EXISTENT_SUBDOMAIN),
            c("np without sp, existing: p applies").from("a@www.npnosp.example").expect(DmarcResult.FAIL, Disposition.REJECT)
                .policy("npnosp.example", PolicyTag.P, DomainRelation.EXISTING_SUBDOMAIN),
            c("np equal to sp: no existence test needed").from("a@ghost.npsame.example")
                .expect(DmarcResult.FAIL, Disposition.QUARANTINE).policy("npsame.example", PolicyTag.SP, DomainRelation.SUBDOMAIN),
            // invalid records (RFC 9989 4.10.1)
            c("invalid p with a rua: p=none").from("a@badp.example").expect(DmarcResult.FAIL, Disposition.NONE)
                .policy("badp.example", PolicyTag.P, DomainRelation.AUTHOR_DOMAIN).applied(PolicyAction.NONE, PolicyAction.NONE),
            c("invalid p without rua: DMARC does not apply").from("a@badpnorua.example").expect(DmarcResult.NONE, Disposition.NONE)
                .alignment(AlignmentStatus.NOT_EVALUATED, AlignmentStatus.NOT_EVALUATED),
            c("no p with a rua: p=none").from("a@nop.example").expect(DmarcResult.FAIL, Disposition.NONE)
                .applied(PolicyAction.NONE, PolicyAction.NONE),
            c("v=DMARC1 alone: DMARC does not apply").from("a@bare.example").expect(DmarcResult.NONE, Disposition.NONE),
            c("invalid sp with a rua: the whole record counts as p=none").from("a@badsp.example")
                .expect(DmarcResult.FAIL, Disposition.NONE).applied(PolicyAction.NONE, PolicyAction.NONE),
            c("two records at the Author Domain and none above: no policy").from("a@dup.example")
                .expect(DmarcResult.NONE, Disposition.NONE).noPolicy(),
            c("two records at the Author Domain: the Organizational Domain's applies").from("a@multi.orgdup.example")
                .expect(DmarcResult.FAIL, Disposition.REJECT).policy("orgdup.example", PolicyTag.P, DomainRelation.SUBDOMAIN),
            // public suffix domains
            c("psd=y: the PSD's sp applies to an existing organizational domain").from("a@brand.psd.example")
                .expect(DmarcResult.FAIL, Disposition.QUARANTINE).policy("psd.example", PolicyTag.SP, DomainRelation.EXISTING_SUBDOMAIN)
                .organizationalDomain("brand.psd.example").triggers(),
            c("psd=y: the PSD's np applies to a non-existent domain").from("a@gone.psd.example")
                .expect(DmarcResult.FAIL, Disposition.REJECT).policy("psd.example", PolicyTag.NP, DomainRelation.NON_EXISTENT_SUBDOMAIN),
            c("psd=y: relaxed alignment inside the organizational domain").from("a@brand.psd.example")
                .dkim(DkimResult.PASS, "mail.brand.psd.example", "s1").expect(DmarcResult.PASS, Disposition.PASS)
                .alignment(AlignmentStatus.ALIGNED, null),
            c("psd=y: no alignment across organizational domains under one PSD").from("a@brand.psd.example")
                .dkim(DkimResult.PASS, "other.psd.example", "s1").expect(DmarcResult.FAIL, Disposition.QUARANTINE)
                .alignment(AlignmentStatus.NOT_ALIGNED, null),
            c("psd=n makes its domain the organizational domain").from("a@x.corp.psdn.example")
                .dkim(DkimResult.PASS, "other.psdn.example", "s1").expect(DmarcResult.FAIL, Disposition.REJECT)
                .policy("corp.psdn.example", PolicyTag.P, DomainRelation.SUBDOMAIN).organizationalDomain("corp.psdn.example")
                .alignment(AlignmentStatus.NOT_ALIGNED, null),
            c("tree walk: psd=n splits example.co.uk").from("a@shop.example.co.uk").dkim(DkimResult.PASS, "example.co.uk", "s1")
                .expect(DmarcResult.FAIL, Disposition.REJECT).alignment(AlignmentStatus.NOT_ALIGNED, null),
            c("public suffix list: example.co.uk is the organizational domain").method(DiscoveryMethod.PSL)
                .from("a@shop.example.co.uk").dkim(DkimResult.PASS, "example.co.uk", "s1")
                .expect(DmarcResult.PASS, Disposition.PASS).organizationalDomain("example.co.uk").alignment(AlignmentStatus.ALIGNED, null),
            c("public suffix list: RFC 9989 B.1.2 example 2").method(DiscoveryMethod.PSL).from("sender@child.example.com")
                .dkim(DkimResult.PASS, "example.com", "s1").expect(DmarcResult.PASS, Disposition.PASS)
                .policy("example.com", PolicyTag.P, DomainRelation.SUBDOMAIN),
            // DNS failures
            c("a timeout on the policy is temperror").from("a@slow.example").spf(SpfResult.PASS, "slow.example")
                .expect(DmarcResult.TEMPERROR, Disposition.NONE).noPolicy(),
            c("SERVFAIL on the policy is temperror").from("a@broken.example").expect(DmarcResult.TEMPERROR, Disposition.NONE),
            c("a DNS failure on the signer's organizational domain is temperror").from("a@example.com")
                .spf(SpfResult.FAIL, "example.com").dkim(DkimResult.PASS, "flaky.example.com", "s1")
                .expect(DmarcResult.TEMPERROR, Disposition.NONE).alignment(AlignmentStatus.TEMPERROR, null),
            c("... unless another identifier is aligned").from("a@example.com").spf(SpfResult.PASS, "example.com")
                .dkim(DkimResult.PASS, "flaky.example.com", "s1").expect(DmarcResult.PASS, Disposition.PASS),
            c("unknown existence between np and sp on a failing message is temperror").from("a@timeout.np.example")
                .expect(DmarcResult.TEMPERROR, Disposition.NONE),
            c("unknown existence does not matter to a passing message").from("a@timeout.np.example")
                .spf(SpfResult.PASS, "timeout.np.example").expect(DmarcResult.PASS, Disposition.NONE)
                .policy("np.example", PolicyTag.SP, DomainRelation.SUBDOMAIN),
            // From header fields
            c("one domain in several addresses is one Author Domain").from("a@example.com, B <b@EXAMPLE.COM>")
                .spf(SpfResult.PASS, "example.com").expect(DmarcResult.PASS, Disposition.PASS).authorDomains(1),
            c("several Author Domains: one passes, one has no policy").from("a@example.com, b@nopolicy.example")
                .spf(SpfResult.PASS, "example.com").expect(DmarcResult.NONE, Disposition.NONE).authorDomains(2),
            c("several Author Domains: the strictest failing policy applies (RFC 9989 11.5)")
                .from("ceo@example.com, friend@nopolicy.example").spf(SpfResult.PASS, "nopolicy.example")
                .expect(DmarcResult.FAIL, Disposition.REJECT).authorDomains(2),
            c("two From fields: each domain is an Author Domain").from("a@example.com").from("b@monitor.example")
                .spf(SpfResult.PASS, "example.com").expect(DmarcResult.FAIL, Disposition.NONE).authorDomains(2),
            c("no From header field").expect(DmarcResult.PERMERROR, Disposition.NONE).authorDomains(0),
            c("an unclosed angle bracket").from("Joe <joe@example.com").expect(DmarcResult.PERMERROR, Disposition.NONE),
            c("two @ in an address").from("victim@example.com@attacker.example").expect(DmarcResult.PERMERROR, Disposition.NONE),
            c("an empty group as From").from("undisclosed-recipients:;").expect(DmarcResult.PERMERROR, Disposition.NONE),
            c("an address without a domain").from("postmaster").expect(DmarcResult.PERMERROR, Disposition.NONE),
            c("an IP literal is not an Author Domain").from("a@[192.0.2.1]").expect(DmarcResult.PERMERROR, Disposition.NONE),
            c("an unparseable From does not hide a failing one").from("Joe <joe@x").from("a@example.com")
                .expect(DmarcResult.FAIL, Disposition.REJECT),
            c("more Author Domains than the limit").from("a@n1.example, b@n2.example, c@n3.example, d@n4.example, e@n5.example")
                .expect(DmarcResult.PERMERROR, Disposition.NONE).authorDomains(4),
            c("an internationalized Author Domain is looked up as its A-label").from("=?utf-8?q?B=C3=BCcher?= <info@bücher.example>")
                .expect(DmarcResult.FAIL, Disposition.REJECT).policy("xn--bcher-kva.example", PolicyTag.P, DomainRelation.AUTHOR_DOMAIN),
            // failure report options
            c("fo=0:d:s with ruf: every option met").from("a@foall.example").spf(SpfResult.FAIL, "foall.example")
                .dkim(DkimResult.FAIL, "foall.example", "s1").expect(DmarcResult.FAIL, Disposition.REJECT)
                .triggers(FailureOption.ALL_FAIL, FailureOption.DKIM, FailureOption.SPF),
            c("fo=1: a passing message with one mechanism unaligned").from("a@example.com")
                .dkim(DkimResult.PASS, "example.com", "s1").spf(SpfResult.FAIL, "example.com")
                .expect(DmarcResult.PASS, Disposition.PASS).triggers(FailureOption.ANY_FAIL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluates(Case c) {
        DmarcEvaluator evaluator = c.method == DiscoveryMethod.PSL ? publicSuffixList : treeWalk;

        DmarcEvaluation evaluation = evaluator.evaluate(c.inputs());

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(evaluation.result()).as("result (%s)", evaluation.explanation()).isEqualTo(c.result);
        softly.assertThat(evaluation.disposition()).as("disposition (%s)", evaluation.explanation()).isEqualTo(c.disposition);
        if (c.authorDomains != null) {
            softly.assertThat(evaluation.domains()).as("domains evaluated").hasSize(c.authorDomains);
        }
        Optional<DomainEvaluation> primary = evaluation.primary();
        if (c.noPolicy) {
            softly.assertThat(primary.orElseThrow().policy()).as("policy").isEmpty();
        }
        if (c.policyDomain != null) {
            DomainEvaluation domain = primary.orElseThrow();
            softly.assertThat(domain.policyDomain()).as("policy domain").contains(c.policyDomain);
            softly.assertThat(domain.appliedPolicy().map(AppliedPolicy::tag)).as("tag applied").contains(c.tag);
            softly.assertThat(domain.appliedPolicy().map(AppliedPolicy::relation)).as("relation").contains(c.relation);
        }
        if (c.organizationalDomain != null) {
            softly.assertThat(primary.orElseThrow().organizationalDomain()).as("organizational domain").contains(c.organizationalDomain);
        }
        if (c.dkimStatus != null) {
            softly.assertThat(primary.orElseThrow().dkim().status()).as("dkim (%s)", primary.get().dkim().detail()).isEqualTo(c.dkimStatus);
        }
        if (c.spfStatus != null) {
            softly.assertThat(primary.orElseThrow().spf().status()).as("spf (%s)", primary.get().spf().detail()).isEqualTo(c.spfStatus);
        }
        if (c.alignedSelector != null) {
            softly.assertThat(primary.orElseThrow().dkim().alignedSelector()).as("aligned selector").contains(c.alignedSelector);
        }
        if (c.requested != null) {
            AppliedPolicy applied = primary.orElseThrow().appliedPolicy().orElseThrow();
            softly.assertThat(applied.requested()).as("requested").isEqualTo(c.requested);
            softly.assertThat(applied.applied()).as("applied").isEqualTo(c.applied);
        }
        if (c.testOverride != null) {
            softly.assertThat(primary.orElseThrow().overrides().stream().anyMatch(o -> o.type().is(OverrideType.POLICY_TEST_MODE)))
                .as("policy_test_mode override").isEqualTo(c.testOverride);
        }
        if (c.triggers != null) {
            softly.assertThat(primary.orElseThrow().failureReportTriggers()).as("failure report triggers")
                .containsExactlyInAnyOrderElementsOf(c.triggers);
        }
        softly.assertAll();
    }

    @Test
    void oneEvaluatorServesManyThreadsAtOnce() throws Exception {
        List<Case> all = cases().filter(c -> c.method == DiscoveryMethod.TREEWALK).toList();
        List<DmarcResult> expected = all.stream().map(c -> c.result).toList();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<List<DmarcResult>>> runs = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                runs.add(pool.submit(() -> all.stream().map(c -> treeWalk.evaluate(c.inputs()).result()).toList()));
            }
            for (var run : runs) {
                assertThat(run.get()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aDnsTimeoutGivesTemperrorWithinTheConfiguredTimeNotNoPolicy() {
        long start = System.nanoTime();
        DmarcEvaluation evaluation = treeWalk.evaluate(DmarcInputs.of("a@slow.example",
            new SpfCheck(SpfResult.FAIL, "slow.example", SpfScope.MFROM)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(evaluation.result()).isEqualTo(DmarcResult.TEMPERROR);
        assertThat(evaluation.explanation()).contains("_dmarc.slow.example").contains("Timed out");
        assertThat(took).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void npEqualToWhatAppliesAnywayCostsNoExistenceQuery() {
        dns.clearQueries();

        treeWalk.evaluate(new DmarcInputs(List.of("a@other-ghost.npsame.example"), Optional.empty(), List.of()));

        assertThat(dns.queries()).noneMatch(q -> q.endsWith("/A"));
    }

    @Test
    void testModeOverrideSaysWhatWasRequestedAndApplied() {
        DomainEvaluation domain = treeWalk.evaluate(new DmarcInputs(List.of("a@testing.example"), Optional.empty(), List.of()))
            .primary().orElseThrow();

        assertThat(domain.overrides()).singleElement().satisfies(o -> {
            assertThat(o.type().is(OverrideType.POLICY_TEST_MODE)).isTrue();
            assertThat(o.comment()).contains("t=y: reject requested, quarantine applied");
        });
        assertThat(domain.testing()).isTrue();
        assertThat(domain.appliedPolicy().orElseThrow().explanation()).contains("t=y: quarantine applied");
    }

    @Test
    void theResultCarriesWhatAnAggregateRecordAndAFailureReportNeed() {
        DmarcEvaluation evaluation = treeWalk.evaluate(DmarcInputs.of("Sender <sender@child.example.com>",
            new SpfCheck(SpfResult.FAIL, "bounces.example.net", SpfScope.MFROM),
            new DkimCheck(DkimResult.FAIL, "child.example.com", "sel", Optional.of("body hash mismatch"))));
        DomainEvaluation domain = evaluation.primary().orElseThrow();

        assertThat(evaluation.authors().addresses()).containsExactly("sender@child.example.com");
        assertThat(evaluation.inputs().dkim()).singleElement().satisfies(d -> assertThat(d.humanResult()).contains("body hash mismatch"));
        assertThat(domain.authorDomain()).isEqualTo("child.example.com");
        assertThat(domain.record().orElseThrow().text())
            .isEqualTo("v=DMARC1; p=reject; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@example.com; fo=1");
        assertThat(domain.aggregateReportUris()).extracting(u -> u.mailbox().orElseThrow()).containsExactly("dmarc-feedback@example.com");
        assertThat(domain.failureReportUris()).extracting(u -> u.mailbox().orElseThrow()).containsExactly("auth-reports@example.com");
        assertThat(domain.failureReportDue()).isTrue();

        PolicyPublished published = domain.policy().orElseThrow().toPolicyPublished();
        assertThat(published.domain()).isEqualTo("example.com");
        assertThat(published.p().text()).isEqualTo("reject");
        assertThat(published.sp().text()).isEqualTo("reject");
        assertThat(published.adkim().text()).isEqualTo("r");
        assertThat(published.fo()).contains("1");
        assertThat(published.discoveryMethod().orElseThrow().text()).isEqualTo("treewalk");

        PolicyEvaluated evaluated = domain.toPolicyEvaluated();
        assertThat(evaluated.disposition().text()).isEqualTo("reject");
        assertThat(evaluated.dkim().orElseThrow().is(PolicyResult.FAIL)).isTrue();
        assertThat(evaluated.spf().orElseThrow().is(PolicyResult.FAIL)).isTrue();
        assertThat(evaluated.reasons()).isEmpty();
    }

    @Test
    void aRecordCountedAsPNoneIsPublishedAsPNone() {
        DomainEvaluation domain = treeWalk.evaluate(new DmarcInputs(List.of("a@badsp.example"), Optional.empty(), List.of()))
            .primary().orElseThrow();

        PolicyPublished published = domain.policy().orElseThrow().toPolicyPublished();

        assertThat(published.p().text()).isEqualTo("none");
        assertThat(published.sp().text()).isEqualTo("none");
        assertThat(domain.record().orElseThrow().problems()).contains("sp=rejected is not a valid value: the record has no valid policy");
    }

    @Test
    void aPsdRecordNeverAsksForFailureReports() {
        DomainEvaluation domain = treeWalk.evaluate(new DmarcInputs(List.of("a@brand.psd.example"), Optional.empty(), List.of()))
            .primary().orElseThrow();

        assertThat(domain.record().orElseThrow().ruf()).hasSize(1);
        assertThat(domain.failureReportUris()).isEmpty();
        assertThat(domain.failureReportDue()).isFalse();
    }

    @Test
    void aLimitOfOneAuthorDomainStillAppliesAFailingFirstDomain() {
        DmarcEvaluator one = new DmarcEvaluator(resolver, EvaluationSettings.DEFAULTS.withMaxAuthorDomains(1));

        DmarcEvaluation failing = one.evaluate(new DmarcInputs(List.of("a@example.com, b@nopolicy.example"), Optional.empty(), List.of()));
        DmarcEvaluation passing = one.evaluate(new DmarcInputs(List.of("a@example.com, b@nopolicy.example"),
            Optional.of(new SpfCheck(SpfResult.PASS, "example.com", SpfScope.MFROM)), List.of()));

        assertThat(failing.result()).isEqualTo(DmarcResult.FAIL);
        assertThat(failing.domains()).hasSize(1);
        assertThat(passing.result()).isEqualTo(DmarcResult.PERMERROR);
        assertThat(passing.explanation()).contains("2 Author Domains, only the first 1 evaluated");
    }

    private static Case c(String name) {
        return new Case(name);
    }

    /** One row of the table: inputs, and what must come out (null: not checked by this row). */
    static final class Case {
        final String name;
        final List<String> from = new ArrayList<>();
        Optional<SpfCheck> spf = Optional.empty();
        final List<DkimCheck> dkim = new ArrayList<>();
        DiscoveryMethod method = DiscoveryMethod.TREEWALK;
        DmarcResult result;
        Disposition disposition;
        String policyDomain;
        PolicyTag tag;
        DomainRelation relation;
        String organizationalDomain;
        AlignmentStatus dkimStatus;
        AlignmentStatus spfStatus;
        String alignedSelector;
        PolicyAction requested;
        PolicyAction applied;
        Boolean testOverride;
        Set<FailureOption> triggers;
        Integer authorDomains;
        boolean noPolicy;

        Case(String name) {
            this.name = name;
        }

        Case from(String header) {
            from.add(header);
            return this;
        }

        Case spf(SpfResult result, String domain) {
            return spf(new SpfCheck(result, domain, SpfScope.MFROM));
        }

        Case spf(SpfCheck check) {
            spf = Optional.of(check);
            return this;
        }

        Case dkim(DkimResult result, String domain, String selector) {
            dkim.add(new DkimCheck(result, domain, selector));
            return this;
        }

        Case method(DiscoveryMethod method) {
            this.method = method;
            return this;
        }

        Case expect(DmarcResult result, Disposition disposition) {
            this.result = result;
            this.disposition = disposition;
            return this;
        }

        Case policy(String policyDomain, PolicyTag tag, DomainRelation relation) {
            this.policyDomain = policyDomain;
            this.tag = tag;
            this.relation = relation;
            return this;
        }

        Case noPolicy() {
            this.noPolicy = true;
            return this;
        }

        Case organizationalDomain(String domain) {
            this.organizationalDomain = domain;
            return this;
        }

        Case alignment(AlignmentStatus dkim, AlignmentStatus spf) {
            this.dkimStatus = dkim;
            this.spfStatus = spf;
            return this;
        }

        Case alignedSelector(String selector) {
            this.alignedSelector = selector;
            return this;
        }

        Case applied(PolicyAction requested, PolicyAction applied) {
            this.requested = requested;
            this.applied = applied;
            return this;
        }

        Case testOverride(boolean expected) {
            this.testOverride = expected;
            return this;
        }

        Case triggers(FailureOption... expected) {
            this.triggers = expected.length == 0 ? EnumSet.noneOf(FailureOption.class) : EnumSet.copyOf(Arrays.asList(expected));
            return this;
        }

        Case authorDomains(int count) {
            this.authorDomains = count;
            return this;
        }

        DmarcInputs inputs() {
            return new DmarcInputs(from, spf, dkim);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
