package io.jamesdmarc.storage.outbound.failure;

import static io.jamesdmarc.storage.testing.EvaluationFixtures.evaluation;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger.Claim;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger.Decision;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger.Outcome;
import io.jamesdmarc.storage.testing.SqlProbe;
import io.jamesdmarc.storage.testing.TestDatabase;

class FailureReportLedgerTest {

    @RegisterExtension
    static final TestDatabase DB = new TestDatabase();

    static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private FailureReportLedger ledger;
    private SqlProbe sql;

    @BeforeEach
    void emptyStore() throws Exception {
        DB.truncateAll();
        ledger = new FailureReportLedger(DB.dataSource());
        sql = new SqlProbe(DB.dataSource());
    }

    private EvaluationRecord owing(int n) {
        return evaluation().at(NOW.minusSeconds(100 - n)).evaluated(DmarcResult.FAIL, Disposition.REJECT, PolicyResult.FAIL,
            PolicyResult.FAIL).failureReport(EnumSet.of(FailureOption.ALL_FAIL), "From: a" + n + "@example.com\r\n").build();
    }

    @Test
    void aReportIsClaimedOnceUntilItsClaimIsStaleAndSettledWithItsDecisions() throws Exception {
        EvaluationRecord record = owing(1);
        new EvaluationRepository(DB.dataSource()).store(List.of(record, evaluation().build()));

        List<Claim> claims = ledger.claim(10, NOW, TIMEOUT);
        assertThat(claims).singleElement().satisfies(claim -> {
            assertThat(claim.recordId()).isEqualTo(record.id());
            assertThat(claim.headerFrom()).isEqualTo("example.com");
            assertThat(claim.verdict().failureReportDue()).isTrue();
        });
        assertThat(ledger.claim(10, NOW.plus(Duration.ofMinutes(9)), TIMEOUT)).as("claimed by another, still fresh").isEmpty();
        List<Claim> again = ledger.claim(10, NOW.plus(Duration.ofMinutes(11)), TIMEOUT);
        assertThat(again).as("its reporter died: taken again").hasSize(1);

        ledger.settle(again.getFirst(), List.of(new Decision(Optional.of("example.com"), Optional.of("mailto:fail@example.com"),
            Optional.of("Fail@Example.com"), Outcome.SENT, "sent", "sent", Optional.of("<r@example.com>"))), "node-1", NOW);

        assertThat(sql.strings("SELECT failure_report_state FROM evaluation_domains WHERE failure_report_state IS NOT NULL"))
            .containsExactly("sent");
        assertThat(sql.strings("SELECT CONCAT_WS(' ', record_id, destination, outcome, reporter) FROM failure_report_sends"))
            .containsExactly(record.id() + " fail@example.com sent node-1");
        assertThat(ledger.sentBefore(again.getFirst())).containsExactly("fail@example.com");
        assertThat(ledger.claim(10, NOW.plus(Duration.ofDays(1)), TIMEOUT)).isEmpty();
    }

    @Test
    void aReleasedReportIsDueAgain() throws Exception {
        new EvaluationRepository(DB.dataSource()).store(List.of(owing(1)));
        Claim claim = ledger.claim(10, NOW, TIMEOUT).getFirst();

        ledger.release(claim, List.of(), "node-1", NOW);

        assertThat(ledger.claim(10, NOW, TIMEOUT)).hasSize(1);
    }

    @Test
    void theLimitCountsPerDestinationAndWindow() throws Exception {
        Duration day = Duration.ofDays(1);
        assertThat(ledger.tryAcquire("a@example.com", 2, day, NOW)).contains(Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(ledger.tryAcquire("A@example.com", 2, day, NOW.plusSeconds(60))).isPresent();
        assertThat(ledger.tryAcquire("a@example.com", 2, day, NOW.plusSeconds(120))).as("third of the day").isEmpty();
        assertThat(ledger.tryAcquire("b@example.com", 2, day, NOW)).as("another address").isPresent();
        assertThat(ledger.tryAcquire("a@example.com", 2, day, NOW.plus(day))).as("the next day").isPresent();

        ledger.giveBack("a@example.com", Instant.parse("2026-06-01T00:00:00Z"));
        assertThat(ledger.tryAcquire("a@example.com", 2, day, NOW.plusSeconds(180))).as("a slot given back").isPresent();

        assertThat(sql.strings("SELECT CONCAT_WS(' ', destination, DATE(window_start), sent, suppressed) FROM failure_report_limits "
            + "ORDER BY destination, window_start"))
            .containsExactly("a@example.com 2026-06-01 2 1", "a@example.com 2026-06-02 1 0", "b@example.com 2026-06-01 1 0");
        assertThat(ledger.pruneWindowsBefore(Instant.parse("2026-06-02T00:00:00Z"))).as("the windows of June 1st").isEqualTo(2);
    }

    @Test
    void decisionsOlderThanTheRetentionAreDeletedAndNewerOnesKept() throws Exception {
        try (Connection connection = DB.dataSource().getConnection(); Statement insert = connection.createStatement()) {
            insert.executeUpdate("INSERT INTO failure_report_sends (record_id, header_from, outcome, reason, detail, reporter, decided_at) "
                + "VALUES ('r1', 'example.org', 'suppressed', 'disabled', 'old', 'node-1', '2025-05-31 23:59:59.999'), "
                + "('r2', 'example.org', 'suppressed', 'disabled', 'old', 'node-1', '2025-01-01 00:00:00'), "
                + "('r3', 'example.org', 'suppressed', 'disabled', 'kept', 'node-1', '2025-06-01 00:00:00')");
        }

        assertThat(ledger.pruneDecisionsBefore(Instant.parse("2025-06-01T00:00:00Z"))).isEqualTo(2);
        assertThat(sql.strings("SELECT record_id FROM failure_report_sends")).containsExactly("r3");
    }
}
