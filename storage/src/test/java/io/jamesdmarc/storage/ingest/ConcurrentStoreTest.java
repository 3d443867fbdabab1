package io.jamesdmarc.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.testing.ReportFixtures;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;
import io.jamesdmarc.storage.testing.TestReportSource;

/**
 * Two James nodes (two pools) storing copies of one report at the same instant, and a connection
 * killed in the middle of a store: each report ends up stored exactly once, never half.
 */
class ConcurrentStoreTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    private static final Instant DAY = Instant.parse("2026-05-21T00:00:00Z");
    private static Database otherNode;
    private static ExecutorService threads;

    @BeforeAll
    static void secondPool() throws SQLException {
        otherNode = Database.open(DB.config());
        threads = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    static void closeSecondPool() {
        threads.shutdownNow();
        otherNode.close();
    }

    @BeforeEach
    void emptyStore() throws SQLException {
        DB.truncateAll();
    }

    private static AggregateReport header(String id) {
        return ReportFixtures.header("google.com", "noreply-dmarc-support@google.com", id, "example.com", DAY, DAY.plusSeconds(86399));
    }

    @Test
    void theSecondNodeWaitsForTheFirstAndFindsADuplicate() throws Exception {
        ReportStore nodeA = DB.database().reportStore();
        ReportStore nodeB = otherNode.reportStore();
        ReceivedMessageRef mailA = nodeA.recordMessage(ReceivedMessage.mail("node-a-mail", DAY).build());
        ReceivedMessageRef mailB = nodeB.recordMessage(ReceivedMessage.mail("node-b-mail", DAY).build());
        CountDownLatch headerWritten = new CountDownLatch(1);
        // node A holds its report open (header written, not committed) until node B is waiting on its key
        TestReportSource sourceA = TestReportSource.generated(header("collide"), 5000, ReportFixtures::generatedRecord)
            .beforeRecord(n -> {
                if (n == 1) {
                    headerWritten.countDown();
                    awaitLockWait();
                }
            });
        TestReportSource sourceB = TestReportSource.generated(header("collide"), 5000, ReportFixtures::generatedRecord);

        Future<IngestOutcome> a = threads.submit(() -> nodeA.storeAggregate(mailA, sourceA));
        assertThat(headerWritten.await(30, TimeUnit.SECONDS)).isTrue();
        Future<IngestOutcome> b = threads.submit(() -> nodeB.storeAggregate(mailB, sourceB));

        IngestOutcome first = a.get(60, TimeUnit.SECONDS);
        IngestOutcome second = b.get(60, TimeUnit.SECONDS);
        assertThat(first.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(second.status()).isEqualTo(IngestOutcome.Status.DUPLICATE);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(count("aggregate_reports")).isEqualTo(1);
        assertThat(count("aggregate_records")).isEqualTo(5000);
        assertThat(longs("SELECT received_message_id FROM received_message_contents ORDER BY received_message_id"))
            .containsExactly(mailA.id(), mailB.id());
    }

    @Test
    void copiesReleasedAtTheSameInstantAreStoredOnce() throws Exception {
        ReportStore nodeA = DB.database().reportStore();
        ReportStore nodeB = otherNode.reportStore();
        int reports = 20;
        List<Future<IngestOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < reports; i++) {
            CountDownLatch start = new CountDownLatch(1);
            TestReportSource source = TestReportSource.generated(header("race-" + i), 200, ReportFixtures::generatedRecord);
            // both nodes record the same mail too (a mail retried on another node): one message row
            ReceivedMessage mail = ReceivedMessage.mail("race-mail-" + i, DAY).build();
            outcomes.add(threads.submit(collide(start, () -> nodeA.storeAggregate(nodeA.recordMessage(mail), source))));
            outcomes.add(threads.submit(collide(start, () -> nodeB.storeAggregate(nodeB.recordMessage(mail), source))));
            start.countDown();
        }
        int stored = 0;
        int duplicates = 0;
        for (Future<IngestOutcome> outcome : outcomes) {
            if (outcome.get(60, TimeUnit.SECONDS).duplicate()) {
                duplicates++;
            } else {
                stored++;
            }
        }
        assertThat(stored).isEqualTo(reports);
        assertThat(duplicates).isEqualTo(reports);
        assertThat(count("aggregate_reports")).isEqualTo(reports);
        assertThat(count("aggregate_records")).isEqualTo(reports * 200L);
        assertThat(count("received_messages")).isEqualTo(reports);
    }

    @Test
    void aConnectionKilledMidStoreLosesNothingAndARetryCompletes() throws Exception {
        ReportStore store = DB.database().reportStore();
        ReceivedMessageRef mail = store.recordMessage(ReceivedMessage.mail("killed-mail", DAY).build());
        AggregateReport header = header("killed");
        TestReportSource killedMidway = TestReportSource.generated(header, 20_000, ReportFixtures::generatedRecord)
            .beforeRecord(n -> {
                if (n == 12_000) {
                    killStoringConnection();
                }
            });

        assertThatThrownBy(() -> store.storeAggregate(mail, killedMidway)).isInstanceOf(SQLException.class);

        for (String table : List.of("aggregate_reports", "aggregate_records", "aggregate_dkim_results", "received_message_contents")) {
            assertThat(count(table)).as(table).isZero();
        }
        IngestOutcome retried = store.storeAggregate(mail, TestReportSource.generated(header, 20_000, ReportFixtures::generatedRecord));
        assertThat(retried.status()).isEqualTo(IngestOutcome.Status.STORED);
        assertThat(count("aggregate_records")).isEqualTo(20_000);
    }

    private static long count(String table) throws SQLException {
        return new SqlProbe(DB.dataSource()).count(table);
    }

    private static List<Long> longs(String sql) throws SQLException {
        return new SqlProbe(DB.dataSource()).longs(sql);
    }

    private static Callable<IngestOutcome> collide(CountDownLatch start, Callable<IngestOutcome> store) {
        return () -> {
            start.await();
            return store.call();
        };
    }

    /**
     * Waits until node B's header insert is running (blocked on node A's uncommitted report key).
     * PROCESSLIST, not INNODB_TRX: MariaDB 10.11 does not always list the waiting transaction there.
     */
    private static void awaitLockWait() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection connection = otherNode.dataSource().getConnection();
             PreparedStatement waiting = connection.prepareStatement(
                 "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND COMMAND = 'Query' "
                     + "AND INFO LIKE 'INSERT INTO aggregate_reports%' AND TIME_MS > 100")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet row = waiting.executeQuery()) {
                    row.next();
                    if (row.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("node B never waited for node A's report key");
    }

    /** KILL CONNECTION of the session holding an open transaction in this database, from another session. */
    private static void killStoringConnection() throws SQLException {
        try (Connection connection = otherNode.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            long victim;
            try (ResultSet row = statement.executeQuery("SELECT t.trx_mysql_thread_id FROM information_schema.INNODB_TRX t "
                + "JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
                + "WHERE p.DB = DATABASE() AND p.ID <> CONNECTION_ID()")) {
                if (!row.next()) {
                    throw new AssertionError("no storing transaction to kill");
                }
                victim = row.getLong(1);
            }
            statement.execute("KILL CONNECTION " + victim);
        }
    }
}
