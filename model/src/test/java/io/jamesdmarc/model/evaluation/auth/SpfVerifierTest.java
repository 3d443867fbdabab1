package io.jamesdmarc.model.evaluation.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.testing.LoopbackDnsServer.Fault;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/** SPF results with jSPF over a real DNS server on loopback. */
class SpfVerifierTest {
    private static LoopbackDnsServer dns;
    private SpfVerifier spf;

    @BeforeAll
    static void zone() {
        dns = LoopbackDnsServer.start("""
            example.com.           TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.esp.example -all"
            _spf.esp.example.      TXT "v=spf1 ip4:198.51.100.0/24 ~all"
            soft.example.          TXT "v=spf1 ip4:192.0.2.10 ~all"
            neutral.example.       TXT "v=spf1 ?all"
            nospf.example.         A   192.0.2.20
            mx.example.            TXT "v=spf1 mx a:host.mx.example -all"
            mx.example.            MX  10 mail.mx.example.
            mail.mx.example.       A   203.0.113.5
            host.mx.example.       AAAA 2001:db8::25
            helo.example.          TXT "v=spf1 a -all"
            helo.example.          A   203.0.113.7
            ptr.example.           TXT "v=spf1 ptr -all"
            8.113.0.203.in-addr.arpa. PTR mail.ptr.example.
            mail.ptr.example.      A   203.0.113.8
            broken.example.        TXT "v=spf1 ip4:192.0.2.0/24 bogus:mechanism -all"
            twice.example.         TXT "v=spf1 -all"
            twice.example.         TXT "v=spf1 +all"
            flaky.example.         TXT "v=spf1 +all"
            slow.example.          TXT "v=spf1 +all"
            includesflaky.example. TXT "v=spf1 include:flaky.example -all"
            """);
        dns.failWith("flaky.example", Fault.SERVFAIL);
        dns.failWith("slow.example", Fault.DROP);
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @BeforeEach
    void verifier() {
        dns.clearQueries();
        spf = new SpfVerifier(new DnsResolver(DnsSettings.of(List.of(dns.address()))
            .withTimeout(Duration.ofMillis(300)).withAttempts(1)));
    }

    private SpfCheck check(String ip, String mailFrom) {
        return spf.check(InetAddresses.forString(ip), Optional.of("client.example"), Optional.of(mailFrom)).orElseThrow();
    }

    @Test
    void anAddressInTheRecordPasses() {
        SpfCheck check = check("192.0.2.5", "bounces@example.com");

        assertThat(check.result()).isEqualTo(SpfResult.PASS);
        assertThat(check.domain()).isEqualTo("example.com");
        assertThat(check.scope()).isEqualTo(SpfScope.MFROM);
        assertThat(check.humanResult()).isEmpty();
    }

    @Test
    void anIncludedRecordAuthorisesToo() {
        assertThat(check("198.51.100.7", "bounces@example.com").result()).isEqualTo(SpfResult.PASS);
    }

    @Test
    void anAddressOutsideADashAllRecordFails() {
        SpfCheck check = check("203.0.113.99", "bounces@example.com");

        assertThat(check.result()).isEqualTo(SpfResult.FAIL);
        assertThat(check.humanResult()).contains("example.com does not designate 203.0.113.99 as permitted sender");
    }

    @Test
    void tildeAllSoftfailsAndQuestionMarkAllIsNeutral() {
        assertThat(check("203.0.113.99", "a@soft.example").result()).isEqualTo(SpfResult.SOFTFAIL);
        assertThat(check("203.0.113.99", "a@neutral.example").result()).isEqualTo(SpfResult.NEUTRAL);
    }

    @Test
    void aDomainWithoutRecordIsNone() {
        SpfCheck check = check("192.0.2.20", "a@nospf.example");

        assertThat(check.result()).isEqualTo(SpfResult.NONE);
        assertThat(check.humanResult()).isPresent();
        assertThat(dns.queries()).noneMatch(query -> query.endsWith("/SPF"));
    }

    @Test
    void followsMxANameAaaaAndPtrMechanisms() {
        assertThat(check("203.0.113.5", "a@mx.example").result()).isEqualTo(SpfResult.PASS);
        assertThat(check("2001:db8::25", "a@mx.example").result()).isEqualTo(SpfResult.PASS);
        assertThat(check("2001:db8::26", "a@mx.example").result()).isEqualTo(SpfResult.FAIL);
        assertThat(check("203.0.113.8", "a@ptr.example").result()).isEqualTo(SpfResult.PASS);
        assertThat(check("203.0.113.9", "a@ptr.example").result()).isEqualTo(SpfResult.FAIL);
    }

    @Test
    void aBrokenRecordOrTwoRecordsArePermanentErrorsWithTheReason() {
        assertThat(check("192.0.2.5", "a@broken.example").result()).isEqualTo(SpfResult.PERMERROR);
        SpfCheck twice = check("192.0.2.5", "a@twice.example");
        assertThat(twice.result()).isEqualTo(SpfResult.PERMERROR);
        assertThat(twice.humanResult()).hasValueSatisfying(why -> assertThat(why).contains("More than 1 SPF record"));
    }

    @Test
    void aDnsFailureIsATemporaryErrorEvenInsideAnInclude() {
        SpfCheck servfail = check("192.0.2.5", "a@flaky.example");
        assertThat(servfail.result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(servfail.humanResult()).hasValueSatisfying(why -> assertThat(why).startsWith("DNS failure"));
        assertThat(check("192.0.2.5", "a@slow.example").result()).isEqualTo(SpfResult.TEMPERROR);
        assertThat(check("192.0.2.5", "a@includesflaky.example").result()).isEqualTo(SpfResult.TEMPERROR);
    }

    @Test
    void theHeloNameStandsInForANullReversePath() {
        InetAddress client = InetAddresses.forString("203.0.113.7");

        SpfCheck check = spf.check(client, Optional.of("HELO.example"), Optional.empty()).orElseThrow();

        assertThat(check.result()).isEqualTo(SpfResult.PASS);
        assertThat(check.domain()).isEqualTo("helo.example");
        assertThat(check.scope()).isEqualTo(SpfScope.HELO);
        assertThat(spf.check(client, Optional.of("helo.example"), Optional.of("<>")).orElseThrow().scope())
            .isEqualTo(SpfScope.HELO);
    }

    @Test
    void nothingToCheckWithoutSenderNorHelo() {
        assertThat(spf.check(InetAddresses.forString("203.0.113.7"), Optional.empty(), Optional.empty())).isEmpty();
    }

    @Test
    void anAddressLiteralOrSingleLabelIsNoneWithoutAskingDns() {
        InetAddress client = InetAddresses.forString("203.0.113.7");

        assertThat(spf.check(client, Optional.of("[203.0.113.7]"), Optional.empty()).orElseThrow().result())
            .isEqualTo(SpfResult.NONE);
        assertThat(spf.check(client, Optional.of("localhost"), Optional.empty()).orElseThrow().result())
            .isEqualTo(SpfResult.NONE);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void theMailFromDomainIsNormalised() {
        assertThat(check("192.0.2.5", "Bounces@EXAMPLE.COM").domain()).isEqualTo("example.com");
    }

    @Test
    void takesJamesSpfResultForTheSameIdentity() {
        SpfCheck softfail = SpfVerifier.fromJamesResult("softfail", Optional.of("mx.client.example"),
            Optional.of("a@Soft.Example")).orElseThrow();

        assertThat(softfail.result()).isEqualTo(SpfResult.SOFTFAIL);
        assertThat(softfail.domain()).isEqualTo("soft.example");
        assertThat(softfail.scope()).isEqualTo(SpfScope.MFROM);
        assertThat(SpfVerifier.fromJamesResult("pass", Optional.of("helo.example"), Optional.empty()).orElseThrow().scope())
            .isEqualTo(SpfScope.HELO);
        assertThat(SpfVerifier.fromJamesResult("maybe", Optional.of("helo.example"), Optional.empty())).isEmpty();
        assertThat(dns.queries()).isEmpty();
    }
}
