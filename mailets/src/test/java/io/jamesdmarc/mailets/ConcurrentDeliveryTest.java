package io.jamesdmarc.mailets;

import static io.jamesdmarc.mailets.DmarcReportReceiverTest.RUA;
import static io.jamesdmarc.mailets.DmarcReportReceiverTest.dmarcProperties;
import static io.jamesdmarc.mailets.DmarcReportReceiverTest.mailetContainer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.mailets.testing.GeneratedReport;
import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.mailets.testing.JamesPipeline;
import io.jamesdmarc.mailets.testing.ReportMails;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TcpProxy;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * Twenty spool threads on two James nodes (each with its own connection pool to the one database)
 * receive the same fifty reports at once, each thread every report in its own order: each report is
 * stored once, every mail is recorded, no mail fails.
 */
class ConcurrentDeliveryTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final int THREADS = 20;
    private static final int REPORTS = 50;
    private static final int RECORDS = 20;

    @Test
    void twentyThreadsOnTwoNodesStoreFiftyReportsOnce() throws Exception {
        List<GeneratedReport> reports = IntStream.range(0, REPORTS).mapToObj(i -> GeneratedReport.of(1000 + i, "example.com", RECORDS)).toList();
        try (TcpProxy proxy = TcpProxy.before(DB.config());
             // another URL for the same database: the second node gets a pool of its own, as another JVM would
             JamesPipeline nodeA = node(DB.config().url());
             JamesPipeline nodeB = node(proxy.config().url())) {
            ExecutorService spool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                JamesPipeline node = t % 2 == 0 ? nodeA : nodeB;
                List<Integer> order = new ArrayList<>(IntStream.range(0, REPORTS).boxed().toList());
                Collections.shuffle(order, new Random(thread));
                threads.add(spool.submit(() -> {
                    start.await();
                    for (int i : order) {
                        String name = "Mail-t" + thread + "-r" + i;
                        node.service(InboundMail.of(name, reports.get(i).mail(name + "@reporter.example"), ReportMails.REPORTER, RUA));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> thread : threads) {
                thread.get();
            }
            spool.shutdown();

            SqlProbe sql = new SqlProbe(DB.dataSource());
            assertThat(sql.count("aggregate_reports")).isEqualTo(REPORTS);
            assertThat(sql.count("aggregate_records")).isEqualTo((long) REPORTS * RECORDS);
            assertThat(sql.strings("SELECT report_id FROM aggregate_reports"))
                .containsExactlyInAnyOrderElementsOf(reports.stream().map(GeneratedReport::reportId).toList());
            assertThat(sql.count("received_messages")).isEqualTo((long) THREADS * REPORTS);
            assertThat(sql.longs("SELECT SUM(outcome = 'stored'), SUM(outcome = 'duplicate') FROM received_message_contents"))
                .containsExactly((long) REPORTS, (long) (THREADS - 1) * REPORTS);
            int stored = nodeA.metrics().countFor(DmarcReportReceiver.METRIC_STORED) + nodeB.metrics().countFor(DmarcReportReceiver.METRIC_STORED);
            int duplicates = nodeA.metrics().countFor(DmarcReportReceiver.METRIC_DUPLICATES)
                + nodeB.metrics().countFor(DmarcReportReceiver.METRIC_DUPLICATES);
            assertThat(stored).isEqualTo(REPORTS);
            assertThat(duplicates).isEqualTo((THREADS - 1) * REPORTS);
            assertThat(nodeA.standIns().seen("LocalDelivery").size() + nodeB.standIns().seen("LocalDelivery").size())
                .isEqualTo(THREADS * REPORTS);
        }
    }

    private static JamesPipeline node(String url) throws Exception {
        return JamesPipeline.builder()
            .mailetContainerXml(mailetContainer("", "", "propagate"))
            .dmarcProperties(dmarcProperties(DB, url))
            .start();
    }
}
