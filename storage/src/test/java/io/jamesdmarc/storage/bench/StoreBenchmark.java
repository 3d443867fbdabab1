package io.jamesdmarc.storage.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.storage.ingest.IngestOutcome;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReceivedMessageRef;
import io.jamesdmarc.storage.ingest.ReportStore;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * How fast reports go into the database, parsing left out (records are generated as they are
 * stored): one report of 200,000 records, then 1,000 reports of 20 records, each from its own
 * message. Run with {@code ./bench store} (heap 128 MB); uses the MariaDB at 127.0.0.1:3306 when it
 * answers, else the embedded one, in a database of its own dropped afterwards.
 */
public final class StoreBenchmark {

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int bigRecords = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int smallReports = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        try (TestDatabase db = TestDatabase.create("store_benchmark")) {
            ReportStore store = db.database().reportStore();
            SqlProbe sql = new SqlProbe(db.dataSource());
            System.out.printf(Locale.ROOT, "database: %s (%s), heap max %d MB%n", db.name(), sql.strings("SELECT VERSION()").get(0),
                Runtime.getRuntime().maxMemory() >> 20);

            // a warm-up report: class loading, JIT, the pool's first connections
            store.storeAggregate(store.recordMessage(ReceivedMessage.mail("warm-up", Instant.now()).build()),
                TestReportSource.generated(header("warm-up"), 5_000, ReportFixtures::generatedRecord));

            ReceivedMessageRef message = store.recordMessage(ReceivedMessage.mail("big", Instant.now()).build());
            long start = System.nanoTime();
            IngestOutcome big = store.storeAggregate(message,
                TestReportSource.generated(header("big"), bigRecords, ReportFixtures::generatedRecord));
            Duration bigTime = Duration.ofNanos(System.nanoTime() - start);
            long rows = sql.count("aggregate_records WHERE aggregate_report_id = " + big.id())
                + sql.count("aggregate_dkim_results WHERE aggregate_report_id = " + big.id())
                + sql.count("aggregate_spf_results WHERE aggregate_report_id = " + big.id())
                + sql.count("aggregate_override_reasons WHERE aggregate_report_id = " + big.id());
            System.out.printf(Locale.ROOT, "1 report of %,d records (%,d rows with DKIM, SPF, reasons): %.2f s, %,.0f records/s%n",
                big.records(), rows, bigTime.toMillis() / 1000.0, big.records() / (bigTime.toNanos() / 1e9));

            start = System.nanoTime();
            for (int i = 1; i <= smallReports; i++) {
                int offset = i;
                ReceivedMessageRef mail = store.recordMessage(ReceivedMessage.mail("small-" + i, Instant.now()).build());
                store.storeAggregate(mail, TestReportSource.generated(header("small-" + i), 20, n -> ReportFixtures.generatedRecord(n + offset)));
            }
            Duration smallTime = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf(Locale.ROOT, "%,d reports of 20 records, each from its own message: %.2f s, %,.0f reports/s%n",
                smallReports, smallTime.toMillis() / 1000.0, smallReports / (smallTime.toNanos() / 1e9));
            System.out.printf(Locale.ROOT, "peak heap used: %d MB%n", peakHeapMegabytes());
        }
    }

    private static AggregateReport header(String id) {
        Instant day = Instant.parse("2026-05-20T00:00:00Z");
        return ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", id, "example.com", day, day.plusSeconds(86_399));
    }

    private static long peakHeapMegabytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }
}
