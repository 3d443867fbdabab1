package io.jamesdmarc.storage.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.ingest.IngestOutcome;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * Different reports of one domain and day, with the same sources, stored by eight threads at once,
 * then summarized by four at once (as two dmarc serve processes would): the summary rows they share
 * are added to by every report, once, none lost, none deadlocked.
 */
class ConcurrentSummariesTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-21T00:00:00Z");
    private static final int REPORTS = 24;
    private static final int SOURCES = 300;

    @Test
    void reportsOfOneDayStoredAtOnceAllCount() throws Exception {
        ReportStore store = DB.database().reportStore();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<IngestOutcome>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < REPORTS; i++) {
                int n = i;
                outcomes.add(threads.submit(() -> {
                    AggregateReport header = ReportFixtures.header("reporter-" + n % 4, "dmarc@reporter.example", "r-" + n, "example.com",
                        DAY, DAY.plusSeconds(86_399));
                    List<ReportRecord> records = new ArrayList<>();
                    // every report names the same sources, half of them in the opposite order
                    for (int s = 0; s < SOURCES; s++) {
                        int source = n % 2 == 0 ? s : SOURCES - 1 - s;
                        records.add(ReportFixtures.record("198.51." + source / 250 + "." + (source % 250 + 1), 2, Disposition.NONE,
                            source % 3 == 0 ? PolicyResult.FAIL : PolicyResult.PASS, PolicyResult.FAIL, "example.com"));
                    }
                    ReceivedMessageRef message = store.recordMessage(ReceivedMessage.mail("rollup-" + n, DAY).build());
                    start.await();
                    return store.storeAggregate(message, TestReportSource.of(header, records));
                }));
            }
            start.countDown();
            for (Future<IngestOutcome> outcome : outcomes) {
                assertThat(outcome.get(60, TimeUnit.SECONDS).status()).isEqualTo(IngestOutcome.Status.STORED);
            }
        } finally {
            threads.shutdownNow();
        }

        DashboardSummaries summaries = DB.database().dashboardSummaries();
        assertThat(summaries.pending()).isEqualTo(REPORTS);
        ExecutorService summarizers = Executors.newFixedThreadPool(4);
        List<Future<Integer>> done = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                done.add(summarizers.submit(() -> {
                    int mine = 0;
                    for (int n = summaries.catchUp(3); n > 0 || summaries.pending() > 0; n = summaries.catchUp(3)) {
                        mine += n;
                    }
                    return mine;
                }));
            }
            int total = 0;
            for (Future<Integer> count : done) {
                total += count.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).as("each report summarized once").isEqualTo(REPORTS);
        } finally {
            summarizers.shutdownNow();
        }

        Period period = new Period(LocalDate.of(2026, 5, 21), LocalDate.of(2026, 5, 21));
        PeriodSummary summary = DB.database().dashboardQueries().summary("example.com", period);
        assertThat(summary.reports()).isEqualTo(REPORTS);
        assertThat(summary.sources()).isEqualTo(SOURCES);
        assertThat(summary.messages()).isEqualTo(REPORTS * SOURCES * 2L);
        Page<SourceFigures> sources = DB.database().dashboardQueries().sources("example.com", period, SourceOrder.MESSAGES,
            new PageRequest(PageRequest.MAX_LIMIT, 0));
        assertThat(sources.items()).hasSize(SOURCES).allSatisfy(source -> {
            assertThat(source.reports()).isEqualTo(REPORTS);
            assertThat(source.messages()).isEqualTo(REPORTS * 2L);
            assertThat(source.reporters()).hasSize(4);
        });
    }
}
