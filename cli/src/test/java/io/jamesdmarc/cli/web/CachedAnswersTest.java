package io.jamesdmarc.cli.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

/** Answers reused while no report arrives, and never once one has. */
class CachedAnswersTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-18T00:00:00Z");

    @Test
    void aNewReportIsInTheNextAnswer() throws Exception {
        ReportStore store = DB.database().reportStore();
        store(store, "c-1", "192.0.2.1", 10);
        try (DashboardServer server = DashboardServer.start(new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0),
            Optional.empty(), 2, false, true), DB.database().dashboardQueries(), ReverseNames.OFF, Clock.fixed(DAY, ZoneOffset.UTC))) {
            ApiClient api = new ApiClient(server.url());
            String summary = "/api/exchange/dmarc-reports/example.com/summary?days=3";
            String sources = "/api/exchange/dmarc-reports/example.com/sources?days=3";
            assertThat(api.get(summary).json().get("messages").asLong()).isEqualTo(10);
            assertThat(api.get(sources).json().get("total").asLong()).isEqualTo(1);
            String before = DB.database().dashboardQueries().dataVersion();

            store(store, "c-2", "192.0.2.2", 5);

            assertThat(DB.database().dashboardQueries().dataVersion()).isNotEqualTo(before);
            assertThat(api.get(summary).json().get("messages").asLong()).isEqualTo(15);
            assertThat(api.get(sources).json().get("total").asLong()).isEqualTo(2);
            assertThat(api.get("/api/exchange/dmarc-reports?domain=example.com").json().get("total").asLong()).isEqualTo(2);
        }
    }

    private static void store(ReportStore store, String id, String ip, long count) throws Exception {
        store.storeAggregate(store.recordMessage(ReceivedMessage.mail(id, DAY).build()), TestReportSource.of(
            ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", id, "example.com", DAY, DAY.plusSeconds(86_399)),
            List.of(ReportFixtures.record(ip, count, Disposition.NONE, PolicyResult.PASS, PolicyResult.PASS, "example.com"))));
    }
}
