package io.jamesdmarc.storage.evaluation;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.EvaluationRecordCodec;
import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.testing.EvaluationFixtures;
import io.jamesdmarc.storage.testing.TcpProxy;
import io.jamesdmarc.storage.testing.TestDatabase;

/**
 * The recorder against a real MariaDB that fails: evaluations reach the database in batches, go to
 * the spool while it is down or slow, and every one of them is in the database once it is back;
 * spool files of a crashed process are replayed, unreadable lines kept aside.
 */
class EvaluationRecorderTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-20T00:00:00Z");

    @TempDir
    Path spoolDirectory;

    private EvaluationRepository repository;
    private final Counting listener = new Counting();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** The listener's view of the counts. */
    static final class Counting implements RecorderListener {
        final AtomicLong recorded = new AtomicLong();
        final AtomicLong spooled = new AtomicLong();
        final AtomicLong replayed = new AtomicLong();
        final AtomicLong keptAside = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();

        @Override
        public void recorded(int count) {
            recorded.addAndGet(count);
        }

        @Override
        public void spooled(int count) {
            spooled.addAndGet(count);
        }

        @Override
        public void replayed(int count) {
            replayed.addAndGet(count);
        }

        @Override
        public void keptAside(int count) {
            keptAside.addAndGet(count);
        }

        @Override
        public void dropped(int count) {
            dropped.addAndGet(count);
        }
    }

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncateAll();
        repository = new EvaluationRepository(DB.dataSource());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    private RecorderSettings settings() {
        return RecorderSettings.defaults(spoolDirectory).withBatch(100, Duration.ofMillis(50)).withRetryInterval(Duration.ofMillis(200))
            .withCloseTimeout(Duration.ofSeconds(20));
    }

    private EvaluationRecorder recorder(Database database, RecorderSettings settings) throws IOException {
        EvaluationRecorder recorder = EvaluationRecorder.start(database.dataSource(), database.config().redactedUrl(), settings, listener);
        toClose.add(recorder);
        return recorder;
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    private static List<EvaluationRecord> records(int count) {
        List<EvaluationRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(EvaluationFixtures.generated(i, DAY.plusMillis(i)));
        }
        return records;
    }

    /** Records from several threads, as James's spool threads do. */
    private static void recordConcurrently(EvaluationRecorder recorder, List<EvaluationRecord> records, int threads,
                                           Runnable halfway) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            int perThread = records.size() / threads;
            for (int t = 0; t < threads; t++) {
                List<EvaluationRecord> mine = records.subList(t * perThread, t == threads - 1 ? records.size() : (t + 1) * perThread);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < mine.size(); i++) {
                        recorder.record(mine.get(i));
                        if (i % 50 == 0) {
                            Thread.sleep(1);
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(150);
            halfway.run();
            for (Future<?> future : done) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void awaitStored(long count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (repository.count() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(repository.count()).isEqualTo(count);
    }

    private void assertAllStored(List<EvaluationRecord> records) throws SQLException {
        List<String> ids = records.stream().map(EvaluationRecord::id).toList();
        assertThat(repository.find(ids).keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(repository.count()).isEqualTo(records.size());
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(spoolDirectory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(EvaluationSpool.SUFFIX)).sorted().toList();
        }
    }

    private List<Path> keptAside() throws IOException {
        try (Stream<Path> files = Files.list(spoolDirectory.resolve(EvaluationSpool.KEPT_ASIDE))) {
            return files.sorted().toList();
        }
    }

    @Test
    void evaluationsFromManyThreadsReachTheDatabase() throws Exception {
        EvaluationRecorder recorder = recorder(DB.database(), settings());
        List<EvaluationRecord> records = records(5000);

        recordConcurrently(recorder, records, 4, () -> { });
        awaitStored(records.size());

        assertAllStored(records);
        RecorderStatistics stats = recorder.statistics();
        assertThat(stats.recorded()).isEqualTo(records.size());
        assertThat(stats.spooled()).isZero();
        assertThat(stats.dropped()).isZero();
        assertThat(stats.databaseAvailable()).isTrue();
        assertThat(listener.recorded).hasValue(records.size());
        assertThat(repository.find(records.get(17).id())).contains(EvaluationFixtures.asStored(records.get(17)));
    }

    @Test
    void closeStoresWhatIsQueued() throws Exception {
        // a batch delay far longer than the test: only close() makes the writer store
        EvaluationRecorder recorder = recorder(DB.database(), settings().withBatch(10_000, Duration.ofSeconds(60)));
        List<EvaluationRecord> records = records(300);
        records.forEach(recorder::record);

        long start = System.nanoTime();
        recorder.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertAllStored(records);
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void everyEvaluationIsStoredThoughTheDatabaseGoesDownAndComesBack() throws Exception {
        TcpProxy proxy = closing(TcpProxy.before(DB.config()));
        Database throughProxy = closing(Database.open(proxy.config()));
        EvaluationRecorder recorder = recorder(throughProxy, settings());
        List<EvaluationRecord> records = records(8000);

        recordConcurrently(recorder, records, 4, () -> {
            proxy.stop();
            sleep(1500);
            proxy.start();
        });
        awaitStored(records.size());

        assertAllStored(records);
        RecorderStatistics stats = recorder.statistics();
        assertThat(stats.spooled()).as("spooled while the database was down").isPositive();
        assertThat(stats.replayed()).isGreaterThanOrEqualTo(stats.spooled());
        assertThat(stats.recorded() + stats.spooled()).isGreaterThanOrEqualTo(records.size());
        assertThat(stats.dropped()).isZero();
        assertThat(listener.spooled.get()).isEqualTo(stats.spooled());
        assertThat(listener.replayed.get()).isEqualTo(stats.replayed());
        awaitNoSpoolFiles();
    }

    private void awaitNoSpoolFiles() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!spoolFiles().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(spoolFiles()).as("replayed spool files are deleted").isEmpty();
    }

    @Test
    void whatASpoolHoldsWhenTheProcessStopsIsReplayedByTheNext() throws Exception {
        List<EvaluationRecord> records = records(1200);
        try (TcpProxy proxy = TcpProxy.before(DB.config()); Database throughProxy = Database.open(proxy.config())) {
            EvaluationRecorder first = EvaluationRecorder.start(throughProxy.dataSource(), "proxied", settings(), listener);
            proxy.stop();
            records.forEach(first::record);
            first.close();
        }
        assertThat(repository.count()).isZero();
        List<String> spooled = new ArrayList<>();
        for (Path file : spoolFiles()) {
            spooled.addAll(Files.readAllLines(file, StandardCharsets.US_ASCII));
        }
        assertThat(spooled).hasSize(records.size());

        EvaluationRecorder next = recorder(DB.database(), settings());
        awaitStored(records.size());

        assertAllStored(records);
        assertThat(next.statistics().replayed()).isEqualTo(records.size());
        awaitNoSpoolFiles();
    }

    @Test
    void aCrashedProcessesSpoolIsReplayedAndItsUnreadableLinesKeptAside() throws Exception {
        List<EvaluationRecord> records = records(30);
        StringBuilder spool = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            spool.append(EvaluationRecordCodec.toLine(records.get(i))).append('\n');
        }
        spool.append("{\"v\":1,\"id\":\"garbage\"}\n");
        for (int i = 20; i < 29; i++) {
            spool.append(EvaluationRecordCodec.toLine(records.get(i))).append('\n');
        }
        String last = EvaluationRecordCodec.toLine(records.get(29));
        // the process died in the middle of its last write
        spool.append(last, 0, last.length() / 2);
        Files.createDirectories(spoolDirectory);
        Path crashed = spoolDirectory.resolve("evaluations-20260520T101010000Z-000007.jsonl");
        Files.writeString(crashed, spool, StandardCharsets.US_ASCII);

        EvaluationRecorder recorder = recorder(DB.database(), settings());
        awaitStored(29);
        awaitNoSpoolFiles();

        assertAllStored(records.subList(0, 29));
        assertThat(keptAside()).extracting(p -> p.getFileName().toString())
            .containsExactly(crashed.getFileName().toString(), crashed.getFileName() + EvaluationSpool.REASONS_SUFFIX);
        assertThat(Files.readString(spoolDirectory.resolve(EvaluationSpool.KEPT_ASIDE).resolve(crashed.getFileName())))
            .isEqualTo(spool.toString());
        assertThat(Files.readAllLines(spoolDirectory.resolve(EvaluationSpool.KEPT_ASIDE)
            .resolve(crashed.getFileName() + EvaluationSpool.REASONS_SUFFIX)))
            .satisfiesExactly(
                first -> assertThat(first).startsWith("line 21: ").contains("'dkim' is missing"),
                second -> assertThat(second).startsWith("line 31: cut short (no line end"));
        assertThat(recorder.statistics().keptAside()).isEqualTo(2);
        assertThat(recorder.statistics().replayed()).isEqualTo(29);
    }

    @Test
    void aSpoolFileOfGarbageIsKeptAsideWithItsBadLinesCountedNotAllNamed() throws Exception {
        List<EvaluationRecord> records = records(3);
        StringBuilder spool = new StringBuilder(EvaluationRecordCodec.toLine(records.get(0))).append('\n');
        for (int i = 0; i < SpoolReplayer.MAX_PROBLEMS_NAMED + 5; i++) {
            spool.append("garbage ").append(i).append('\n');
        }
        spool.append(EvaluationRecordCodec.toLine(records.get(1))).append('\n').append(EvaluationRecordCodec.toLine(records.get(2)));
        Files.createDirectories(spoolDirectory);
        Path garbage = spoolDirectory.resolve("evaluations-20260520T101010000Z-000001.jsonl");
        Files.writeString(garbage, spool, StandardCharsets.US_ASCII);

        EvaluationRecorder recorder = recorder(DB.database(), settings());
        awaitStored(3);
        awaitNoSpoolFiles();

        assertAllStored(records);
        assertThat(recorder.statistics().keptAside()).isEqualTo(SpoolReplayer.MAX_PROBLEMS_NAMED + 5);
        List<String> reasons = Files.readAllLines(spoolDirectory.resolve(EvaluationSpool.KEPT_ASIDE)
            .resolve(garbage.getFileName() + EvaluationSpool.REASONS_SUFFIX));
        assertThat(reasons).hasSize(SpoolReplayer.MAX_PROBLEMS_NAMED + 1);
        assertThat(reasons.getFirst()).startsWith("line 2: ");
        assertThat(reasons.getLast()).isEqualTo("... and 5 more unreadable lines");
    }

    @Test
    void aFullQueueSpillsToTheSpoolInsteadOfWaitingForASlowDatabase() throws Exception {
        EvaluationRecorder recorder = recorder(DB.database(), settings().withQueueCapacity(50));
        List<EvaluationRecord> records = records(3000);
        long slowest;
        try (Connection other = DB.dataSource().getConnection(); Statement lock = other.createStatement()) {
            // another session holds the table: the writer's INSERTs wait, as on an overloaded server
            lock.execute("LOCK TABLES evaluations WRITE");
            slowest = 0;
            for (EvaluationRecord record : records) {
                long start = System.nanoTime();
                recorder.record(record);
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
            assertThat(recorder.statistics().spilled()).isGreaterThan(2000);
            lock.execute("UNLOCK TABLES");
        }
        awaitStored(records.size());

        assertAllStored(records);
        assertThat(Duration.ofNanos(slowest)).as("the slowest record() call").isLessThan(Duration.ofSeconds(1));
        assertThat(recorder.statistics().dropped()).isZero();
        awaitNoSpoolFiles();
    }

    @Test
    void anEvaluationTheDatabaseRefusesIsKeptAsideAndTheOthersStored() throws Exception {
        EvaluationRecorder recorder = recorder(DB.database(), settings());
        EvaluationRecord refused = evaluation().headerFrom("x".repeat(300) + ".example").build();
        List<EvaluationRecord> good = records(10);
        good.subList(0, 5).forEach(recorder::record);
        recorder.record(refused);
        good.subList(5, 10).forEach(recorder::record);

        recorder.close();

        assertAllStored(good);
        assertThat(recorder.statistics().keptAside()).isEqualTo(1);
        List<Path> kept = keptAside();
        assertThat(kept).hasSize(2);
        assertThat(Files.readAllLines(kept.get(0))).containsExactly(EvaluationRecordCodec.toLine(refused));
        assertThat(Files.readString(kept.get(1))).contains(refused.id(), "header_from");
    }

    @Test
    void evaluationsRecordedAfterCloseAreCountedAsLost() throws Exception {
        EvaluationRecorder recorder = recorder(DB.database(), settings());
        recorder.close();

        recorder.record(evaluation().build());

        assertThat(recorder.statistics().dropped()).isEqualTo(1);
        assertThat(listener.dropped).hasValue(1);
    }

    @Test
    void oneRecorderPerDatabaseEvenWhenTheDatabaseIsDownAtStart() throws Exception {
        TcpProxy proxy = closing(TcpProxy.before(DB.config()));
        proxy.stop();
        EvaluationRecorder first = closing(EvaluationRecorder.shared(proxy.config(), settings(), listener));
        EvaluationRecorder second = closing(EvaluationRecorder.shared(proxy.config(), settings(), RecorderListener.NONE));
        List<EvaluationRecord> records = records(200);

        records.subList(0, 100).forEach(first::record);
        records.subList(100, 200).forEach(second::record);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (first.statistics().spooled() < records.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(first.statistics().spooled()).isEqualTo(records.size());
        assertThat(second.statistics()).isEqualTo(first.statistics());
        assertThatThrownBy(() -> EvaluationRecorder.start(DB.dataSource(), "another", settings(), RecorderListener.NONE))
            .isInstanceOf(IOException.class).hasMessageContaining("in use by another recorder");

        proxy.start();
        awaitStored(records.size());
        assertAllStored(records);
        first.close();
        second.record(evaluation().build());
        second.close();
        assertThat(repository.count()).isEqualTo(records.size() + 1);
        assertThat(listener.dropped).hasValue(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
