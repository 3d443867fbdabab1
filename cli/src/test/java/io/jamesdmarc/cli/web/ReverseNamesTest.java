package io.jamesdmarc.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;
import io.jamesdmarc.model.testing.LoopbackDnsServer;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * Reverse names of sending sources over real wire DNS (a server on loopback): looked up in the
 * background, never holding up an answer, shown once known; a slow DNS leaves them pending.
 */
class ReverseNamesTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final String ZONE = """
        $ORIGIN 113.0.203.in-addr.arpa.
        10  PTR mx1.example.com.
        $ORIGIN 7.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.2.0.0.8.b.d.0.1.0.0.2.ip6.arpa.
        @   PTR lists.opensource.example.
        """;

    @Test
    void namesAreLookedUpInTheBackgroundAndCached() throws Exception {
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZONE);
             DnsReverseNames names = new DnsReverseNames(new DnsResolver(DnsSettings.of(List.of(dns.address()))))) {
            InetAddress v4 = InetAddresses.forString("203.0.113.10");
            InetAddress v6 = InetAddresses.forString("2001:db8:25::17");
            InetAddress unnamed = InetAddresses.forString("203.0.113.99");

            assertThat(names.lookup(v4).status()).as("the first request does not wait").isEqualTo(ReverseNames.Status.PENDING);
            assertThat(names.awaitDone(v4, Duration.ofSeconds(10))).contains(ReverseNames.Name.found("mx1.example.com"));
            assertThat(names.awaitDone(v6, Duration.ofSeconds(10))).contains(ReverseNames.Name.found("lists.opensource.example"));
            assertThat(names.awaitDone(unnamed, Duration.ofSeconds(10))).contains(ReverseNames.Name.NONE);

            int asked = dns.queries().size();
            assertThat(names.lookup(v4)).isEqualTo(ReverseNames.Name.found("mx1.example.com"));
            assertThat(dns.queries()).as("answered from the cache").hasSize(asked);
        }
    }

    @Test
    void aDnsThatDoesNotAnswerLeavesNamesPendingAndTheApiFast() throws Exception {
        ReportStore store = DB.database().reportStore();
        Instant day = Instant.parse("2026-05-18T00:00:00Z");
        store.storeAggregate(store.recordMessage(ReceivedMessage.mail("ptr-1", day).build()), TestReportSource.of(
            ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", "p-1", "example.com", day, day.plusSeconds(86_399)),
            List.of(ReportFixtures.record("203.0.113.10", 5, Disposition.NONE, PolicyResult.PASS, PolicyResult.PASS, "example.com"),
                ReportFixtures.record("unknown-host", 1, Disposition.NONE, PolicyResult.FAIL, PolicyResult.FAIL, "example.com"))));

        try (LoopbackDnsServer dns = LoopbackDnsServer.start(ZONE)) {
            dns.failEverythingWith(LoopbackDnsServer.Fault.DROP);
            DnsSettings slow = DnsSettings.of(List.of(dns.address())).withTimeout(Duration.ofSeconds(3)).withAttempts(1);
            try (DnsReverseNames names = new DnsReverseNames(new DnsResolver(slow));
                 DashboardServer server = DashboardServer.start(new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0),
                     Optional.empty(), 2, false), DB.database(), names, Clock.fixed(day, ZoneOffset.UTC))) {
                ApiClient api = new ApiClient(server.url());
                long start = System.nanoTime();
                JsonNode answer = api.get("/api/exchange/dmarc-reports/example.com/sources?days=3").json();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the DNS timeout is not waited for").isLessThan(Duration.ofSeconds(2));
                assertThat(answer.get("sources").get(0).get("ptr_status").asText()).isEqualTo("pending");
                assertThat(answer.get("sources").get(0).get("ptr").isNull()).isTrue();
                assertThat(answer.get("sources").get(1).get("ip").asText()).isEqualTo("unknown-host");
                assertThat(answer.get("sources").get(1).get("ptr_status").asText()).as("not an address: nothing to look up").isEqualTo("none");

                assertThat(names.awaitDone(InetAddresses.forString("203.0.113.10"), Duration.ofSeconds(10)))
                    .contains(ReverseNames.Name.FAILED);
                dns.clearFaults();
                JsonNode later = api.get("/api/exchange/dmarc-reports/example.com/sources?days=3").json();
                assertThat(later.get("sources").get(0).get("ptr_status").asText()).as("a failure is kept a while, not forever").isEqualTo("failed");
            }
        }
    }
}
