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

/** Reports stored while the server runs are in its next answers; answers are reused only while none arrives. */
class CachedAnswersTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-18T00:00:00Z");

    @Test
    void aNewReportIsInTheNextAnswer() throws Exception {
        ReportStore store = DB.database().reportStore();
        store(store, "c-1", "192.0.2.1", 10);
        try (DashboardServer server = DashboardServer.start(new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0),
            Optional.empty(), 2, false, true), DB.database(), ReverseNames.OFF, Clock.fixed(DAY, ZoneOffset.UTC))) {
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

    @Test
    void aBatchStoredWhileServingIsAddedBeforeAndBetweenAnswers() throws Exception {
        ReportStore store = DB.database().reportStore();
        try (DashboardServer server = DashboardServer.start(new DashboardServer.Settings(new InetSocketAddress("127.0.0.1", 0),
            Optional.empty(), 2, false, true), DB.database(), ReverseNames.OFF, Clock.fixed(DAY, ZoneOffset.UTC))) {
            ApiClient api = new ApiClient(server.url());
            String summary = "/api/exchange/dmarc-reports/example.net/summary?days=3";
            int batch = SummaryKeeper.BEFORE_A_REQUEST + 15;
            for (int i = 0; i < batch; i++) {
                store(store, "batch-" + i, "example.net", "198.51.100." + (i + 1), 2);
            }
            var first = api.get(summary).json();
            assertThat(first.get("pending_reports").asLong()).as("a few added before answering, the rest in the background")
                .isBetween(0L, 15L);
            long deadline = System.nanoTime() + 30_000_000_000L;
            var answer = first;
            while (answer.get("pending_reports").asLong() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                answer = api.get(summary).json();
            }
            assertThat(answer.get("pending_reports").asLong()).isZero();
            assertThat(answer.get("reports").asLong()).isEqualTo(batch);
            assertThat(answer.get("messages").asLong()).isEqualTo(2L * batch);
            assertThat(answer.get("sources").asLong()).isEqualTo(batch);
        }
    }

    private static void store(ReportStore store, String id, String ip, long count) throws Exception {
        store(store, id, "example.com", ip, count);
    }

    private static void store(ReportStore store, String id, String domain, String ip, long count) throws Exception {
        store.storeAggregate(store.recordMessage(ReceivedMessage.mail(id, DAY).build()), TestReportSource.of(
            ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", id, domain, DAY, DAY.plusSeconds(86_399)),
            List.of(ReportFixtures.record(ip, count, Disposition.NONE, PolicyResult.PASS, PolicyResult.PASS, domain))));
    }
}
