package io.jamesdmarc.storage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.evaluation.AggregateRow;
import io.jamesdmarc.storage.evaluation.EvaluationRecorder;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.evaluation.RecorderSettings;
import io.jamesdmarc.storage.evaluation.RecorderListener;
import io.jamesdmarc.storage.evaluation.RecorderStatistics;
import io.jamesdmarc.storage.evaluation.ReportablePolicy;
import io.jamesdmarc.storage.testing.EvaluationFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TcpProxy;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * How many evaluations a second the recorder puts into MariaDB, with its default settings (queue
 * 10,000, batches of 500 or 200 ms), fed by 4 threads as James's spool threads would:
 * <ol>
 * <li>sustained: 10,000 evaluations a second for 20 s (200,000), paced; the queue must keep up, nothing spilled;</li>
 * <li>flat out: 200,000 as fast as the threads can call {@code record()}: what spills to the spool when the database
 *     cannot keep up, and how soon everything is in the database;</li>
 * <li>database down: 100,000 while the database is unreachable (behind a stopped TCP proxy: all to the spool), then
 *     replayed by a recorder started on the database;</li>
 * <li>the aggregate report queries over the day of evaluations stored.</li>
 * </ol>
 * Run with {@code ./bench record [RATE [SECONDS [WRITERS [BATCH]]]]} (heap 256 MB; defaults 10,000/s, 20 s, the
 * recorder's own settings); uses the MariaDB at 127.0.0.1:3306
 * when it answers, else the embedded one, in a database of its own dropped afterwards.
 */
public final class RecordBenchmark {

    private static final int THREADS = 4;
    private static final Instant DAY = Instant.parse("2026-05-20T00:00:00Z");

    private RecordBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        RecorderSettings defaults = RecorderSettings.defaults(Files.createTempDirectory("james-dmarc-record-bench"));
        Path spool = defaults.spoolDirectory();
        try (TestDatabase db = TestDatabase.create("record_benchmark")) {
            SqlProbe sql = new SqlProbe(db.dataSource());
            RecorderSettings settings = defaults
                .withWriterThreads(args.length > 2 ? Integer.parseInt(args[2]) : defaults.writerThreads())
                .withBatch(args.length > 3 ? Integer.parseInt(args[3]) : defaults.batchSize(), defaults.batchDelay());
            System.out.printf(Locale.ROOT, "database: %s (%s), heap max %d MB, %d producer threads, queue %,d, %d writers, "
                    + "batches of %d or %d ms%n", db.name(), sql.strings("SELECT VERSION()").get(0), Runtime.getRuntime().maxMemory() >> 20,
                THREADS, settings.queueCapacity(), settings.writerThreads(), settings.batchSize(), settings.batchDelay().toMillis());
            AtomicLong sequence = new AtomicLong();
            long total = 0;
            try (EvaluationRecorder recorder = EvaluationRecorder.start(db.dataSource(), db.name(), settings, RecorderListener.NONE)) {
                run(recorder, sequence, 20_000, 0, "warm-up");
                total += 20_000;
                run(recorder, sequence, (long) rate * seconds, rate, "sustained " + String.format(Locale.ROOT, "%,d/s", rate));
                total += (long) rate * seconds;
                run(recorder, sequence, 200_000, 0, "flat out");
                total += 200_000;
            }
            try (TcpProxy proxy = TcpProxy.before(db.config()); Database proxied = Database.open(proxy.config())) {
                EvaluationRecorder recorder = EvaluationRecorder.start(proxied.dataSource(), "proxied", settings, RecorderListener.NONE);
                proxy.stop();
                System.out.println("database down (its proxy stopped):");
                Phase down = push(recorder, sequence, 100_000, 0);
                recorder.close();
                System.out.printf(Locale.ROOT, "  %,d evaluations recorded in %.2f s (%,.0f/s), record() p99 %.3f ms, max %.1f ms; spooled %,d, "
                        + "lost %d%n", down.count(), seconds(down.pushNanos()), down.count() / seconds(down.pushNanos()), down.p99Millis(),
                    down.maxMillis(), recorder.statistics().spooled(), recorder.statistics().dropped());
            }
            long start = System.nanoTime();
            try (EvaluationRecorder recorder = EvaluationRecorder.start(db.dataSource(), db.name(), settings, RecorderListener.NONE)) {
                awaitDone(recorder, 100_000);
                System.out.printf(Locale.ROOT, "  database back (a recorder started on it): %,d spooled evaluations replayed in %.2f s "
                    + "(%,.0f/s)%n", recorder.statistics().replayed(), seconds(System.nanoTime() - start),
                    recorder.statistics().replayed() / seconds(System.nanoTime() - start));
            }
            total += 100_000;
            EvaluationRepository repository = new EvaluationRepository(db.dataSource());
            long stored = repository.count();
            System.out.printf(Locale.ROOT, "evaluations in the database: %,d of %,d recorded (%s)%n", stored, total,
                stored == total ? "none lost" : "MISSING " + (total - stored));
            start = System.nanoTime();
            List<ReportablePolicy> policies = repository.reportablePolicies(DAY, DAY.plusSeconds(86_400));
            long policiesNanos = System.nanoTime() - start;
            start = System.nanoTime();
            long rows = 0;
            long messages = 0;
            for (ReportablePolicy policy : policies) {
                List<AggregateRow> report = repository.aggregateRows(policy.policyDomain(), policy.policyHash(), DAY, DAY.plusSeconds(86_400));
                rows += report.size();
                messages += report.stream().mapToLong(AggregateRow::count).sum();
            }
            System.out.printf(Locale.ROOT, "aggregate reports of the day: %d policies found in %.2f s; their %,d rows (%,d messages) "
                + "grouped in %.2f s%n", policies.size(), seconds(policiesNanos), rows, messages, seconds(System.nanoTime() - start));
        } finally {
            delete(spool);
        }
    }

    /** One phase: push, then wait until the recorder has everything in the database. */
    private static void run(EvaluationRecorder recorder, AtomicLong sequence, long count, int rate, String label) throws Exception {
        RecorderStatistics before = recorder.statistics();
        QueueSampler sampler = new QueueSampler(recorder);
        long start = System.nanoTime();
        Phase phase = push(recorder, sequence, count, rate);
        long done = before.recorded() + before.replayed() + count;
        awaitDone(recorder, done);
        long elapsed = System.nanoTime() - start;
        sampler.stop();
        RecorderStatistics after = recorder.statistics();
        System.out.printf(Locale.ROOT, "%s: %,d evaluations pushed in %.2f s (%,.0f/s); all in the database after %.2f s (%,.0f/s "
                + "end to end)%n", label, count, seconds(phase.pushNanos()), count / seconds(phase.pushNanos()), seconds(elapsed),
            count / seconds(elapsed));
        System.out.printf(Locale.ROOT, "  record() p99 %.3f ms, max %.1f ms; queue peak %,d of %,d; spilled to the spool %,d, "
                + "replayed %,d, lost %d%n", phase.p99Millis(), phase.maxMillis(), sampler.peak(), RecorderSettings.DEFAULT_QUEUE_CAPACITY,
            after.spilled() - before.spilled(), after.replayed() - before.replayed(), after.dropped());
    }

    private record Phase(long count, long pushNanos, double p99Millis, double maxMillis) {
    }

    /** {@code count} records from {@link #THREADS} threads, each paced to its share of {@code rate} (0: unpaced). */
    private static Phase push(EvaluationRecorder recorder, AtomicLong sequence, long count, int rate) throws InterruptedException {
        long[][] latencies = new long[THREADS][];
        AtomicInteger failures = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            long mine = count / THREADS + (t < count % THREADS ? 1 : 0);
            latencies[t] = new long[(int) mine];
            Thread producer = new Thread(() -> {
                double intervalNanos = rate == 0 ? 0 : 1e9 * THREADS / rate;
                for (int i = 0; i < mine; i++) {
                    if (rate > 0) {
                        long due = start + (long) (i * intervalNanos);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            sleepNanos(wait);
                        }
                    }
                    long n = sequence.getAndIncrement();
                    var record = EvaluationFixtures.generated(n, DAY.plusMillis(n % 86_400_000));
                    long before = System.nanoTime();
                    recorder.record(record);
                    latencies[thread][i] = System.nanoTime() - before;
                }
            }, "producer-" + t);
            producer.setUncaughtExceptionHandler((th, e) -> failures.incrementAndGet());
            threads.add(producer);
            producer.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long pushNanos = System.nanoTime() - start;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " producer threads failed");
        }
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Phase(count, pushNanos, all[(int) (all.length * 0.99)] / 1e6, all[all.length - 1] / 1e6);
    }

    private static void awaitDone(EvaluationRecorder recorder, long total) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            RecorderStatistics stats = recorder.statistics();
            if (stats.recorded() + stats.replayed() >= total) {
                return;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the recorder did not store " + total + " evaluations within 10 minutes: " + recorder.statistics());
    }

    /** The queue's length every 10 ms. */
    private static final class QueueSampler {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile int peak;

        QueueSampler(EvaluationRecorder recorder) {
            thread = new Thread(() -> {
                while (running) {
                    peak = Math.max(peak, recorder.statistics().queued());
                    sleepNanos(10_000_000);
                }
            }, "queue-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        int peak() {
            return peak;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
