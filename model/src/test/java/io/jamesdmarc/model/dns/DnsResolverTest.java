package io.jamesdmarc.model.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.testing.LoopbackDnsServer.Fault;

class DnsResolverTest {
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

    private LoopbackDnsServer dns;
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeEach
    void startServer() {
        dns = LoopbackDnsServer.start("""
            $ORIGIN example.com.
            @             3600 SOA ns hostmaster 1 3600 600 86400 120
            _dmarc         600 TXT "v=DMARC1; p=reject; " "rua=mailto:d@example.com"
            multi              TXT "first"
            multi              TXT "second"
            host               A   192.0.2.1
            host               AAAA 2001:db8::1
            mailonly           MX  10 host
            alias              CNAME host
            _dmarc.delegated   CNAME _dmarc
            deep.empty.nonterminal TXT "x"
            """);
    }

    @AfterEach
    void stopServer() {
        dns.close();
    }

    private DnsResolver resolver() {
        return new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(SHORT_TIMEOUT), clock::get);
    }

    @Test
    void joinsTheStringsOfOneTxtRecordWithNothingBetween() {
        DnsAnswer answer = resolver().txt("_dmarc.example.com");

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.records()).containsExactly("v=DMARC1; p=reject; rua=mailto:d@example.com");
    }

    @Test
    void keepsSeveralTxtRecordsApart() {
        assertThat(resolver().txt("multi.example.com").records()).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void tellsNxdomainFromNoDataAndAnEmptyNonTerminal() {
        DnsResolver resolver = resolver();

        assertThat(resolver.txt("nosuch.example.com").status()).isEqualTo(DnsStatus.NXDOMAIN);
        assertThat(resolver.txt("host.example.com").status()).isEqualTo(DnsStatus.NO_DATA);
        assertThat(resolver.lookup("empty.nonterminal.example.com", RecordType.A).status()).isEqualTo(DnsStatus.NO_DATA);
        assertThat(resolver.lookup("nonterminal.example.com", RecordType.A).nameExists()).isTrue();
        assertThat(resolver.lookup("nosuch.example.com", RecordType.A).nameExists()).isFalse();
    }

    @Test
    void readsAddressAndMailRecordsAndFollowsCnames() {
        DnsResolver resolver = resolver();

        assertThat(resolver.lookup("host.example.com", RecordType.A).records()).containsExactly("192.0.2.1");
        assertThat(resolver.lookup("host.example.com", RecordType.AAAA).records()).containsExactly("2001:db8:0:0:0:0:0:1");
        assertThat(resolver.lookup("mailonly.example.com", RecordType.MX).records()).containsExactly("10 host.example.com.");
        assertThat(resolver.lookup("alias.example.com", RecordType.A).records()).containsExactly("192.0.2.1");
    }

    @Test
    void followsACnameToAPolicyPublishedElsewhere() {
        assertThat(resolver().txt("_dmarc.delegated.example.com").records())
            .containsExactly("v=DMARC1; p=reject; rua=mailto:d@example.com");
    }

    @Test
    void aTimeoutIsATemporaryFailureNeverNoRecord() {
        dns.failWith("_dmarc.example.com", Fault.DROP);
        DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(SHORT_TIMEOUT).withAttempts(2));

        long start = System.nanoTime();
        DnsAnswer answer = resolver.txt("_dmarc.example.com");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(answer.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(answer.records()).isEmpty();
        assertThat(answer.isTemporaryFailure()).isTrue();
        assertThat(dns.txtQueries()).containsExactly("_dmarc.example.com", "_dmarc.example.com");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void servfailAndRefusedAreTemporaryFailuresNamingTheRcode() {
        dns.failWith("_dmarc.example.com", Fault.SERVFAIL).failWith("multi.example.com", Fault.REFUSED);
        DnsResolver resolver = resolver();

        DnsAnswer servfail = resolver.txt("_dmarc.example.com");
        DnsAnswer refused = resolver.txt("multi.example.com");

        assertThat(servfail.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(servfail.detail()).contains("SERVFAIL");
        assertThat(refused.status()).isEqualTo(DnsStatus.TEMPFAIL);
        assertThat(refused.detail()).contains("REFUSED");
    }

    @Test
    void temporaryFailuresAreNotCached() {
        dns.failWith("_dmarc.example.com", Fault.SERVFAIL);
        DnsResolver resolver = resolver();
        assertThat(resolver.txt("_dmarc.example.com").status()).isEqualTo(DnsStatus.TEMPFAIL);

        dns.clearFaults();

        assertThat(resolver.txt("_dmarc.example.com").status()).isEqualTo(DnsStatus.FOUND);
    }

    @Test
    void asksTheNextServerWhenOneFails() {
        try (LoopbackDnsServer broken = LoopbackDnsServer.start().failEverythingWith(Fault.SERVFAIL)) {
            DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(broken.address(), dns.address()))
                .withTimeout(SHORT_TIMEOUT));

            assertThat(resolver.txt("_dmarc.example.com").status()).isEqualTo(DnsStatus.FOUND);
            assertThat(broken.txtQueries()).containsExactly("_dmarc.example.com");
        }
    }

    @Test
    void answersFromTheCacheUntilTheTtlRunsOut() {
        DnsResolver resolver = resolver();
        resolver.txt("_dmarc.example.com");
        resolver.txt("_DMARC.Example.COM.");
        assertThat(dns.txtQueries()).hasSize(1);
        assertThat(resolver.queriesSent()).isEqualTo(1);

        clock.addAndGet(Duration.ofSeconds(599).toNanos());
        resolver.txt("_dmarc.example.com");
        assertThat(dns.txtQueries()).hasSize(1);

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        resolver.txt("_dmarc.example.com");
        assertThat(dns.txtQueries()).hasSize(2);
    }

    @Test
    void cachesNegativeAnswersForTheSoaMinimum() {
        DnsResolver resolver = resolver();
        resolver.txt("nosuch.example.com");
        clock.addAndGet(Duration.ofSeconds(119).toNanos());
        resolver.txt("nosuch.example.com");
        assertThat(dns.txtQueries()).hasSize(1);

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        resolver.txt("nosuch.example.com");
        assertThat(dns.txtQueries()).hasSize(2);
    }

    @Test
    void neverKeepsAnAnswerLongerThanTheConfiguredMaximum() {
        DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(SHORT_TIMEOUT)
            .withMaxCacheTtl(Duration.ofSeconds(10)), clock::get);
        resolver.txt("_dmarc.example.com");
        clock.addAndGet(Duration.ofSeconds(11).toNanos());
        resolver.txt("_dmarc.example.com");

        assertThat(dns.txtQueries()).hasSize(2);
    }

    @Test
    void theCacheIsBounded() {
        DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())).withTimeout(SHORT_TIMEOUT)
            .withCacheSize(1), clock::get);
        resolver.txt("_dmarc.example.com");
        resolver.txt("multi.example.com");
        resolver.txt("_dmarc.example.com");

        assertThat(dns.txtQueries()).containsExactly("_dmarc.example.com", "multi.example.com", "_dmarc.example.com");
    }

    @Test
    void retriesOverTcpWhenTheUdpAnswerIsTruncated() {
        String big = "v=DMARC1; p=none; rua=mailto:" + "a".repeat(200) + "@example.com";
        StringBuilder zone = new StringBuilder("$ORIGIN big.example.\n");
        for (int i = 0; i < 8; i++) {
            zone.append("_dmarc TXT \"").append(big).append(i).append("\"\n");
        }
        dns.load(zone.toString());

        DnsAnswer answer = resolver().txt("_dmarc.big.example");

        assertThat(answer.status()).isEqualTo(DnsStatus.FOUND);
        assertThat(answer.records()).hasSize(8).allSatisfy(r -> assertThat(r).startsWith(big));
        assertThat(dns.txtQueries()).containsExactly("_dmarc.big.example", "_dmarc.big.example");
    }

    @Test
    void aNameThatCannotExistIsNotAskedAbout() {
        DnsAnswer answer = resolver().txt("_dmarc." + "a".repeat(64) + ".example.com");

        assertThat(answer.status()).isEqualTo(DnsStatus.INVALID_NAME);
        assertThat(resolver().txt("").status()).isEqualTo(DnsStatus.INVALID_NAME);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void expandsWildcards() {
        dns.load("""
            $ORIGIN _report._dmarc.reports.example.
            *  TXT "v=DMARC1"
            """);

        assertThat(resolver().txt("anything.example._report._dmarc.reports.example").records()).containsExactly("v=DMARC1");
        assertThat(resolver().txt("_report._dmarc.reports.example").status()).isEqualTo(DnsStatus.NO_DATA);
    }
}
