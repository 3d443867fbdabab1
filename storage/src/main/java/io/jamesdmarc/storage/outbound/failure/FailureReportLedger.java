package io.jamesdmarc.storage.outbound.failure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;

import javax.sql.DataSource;

import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.storage.BoundedConnections;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.evaluation.FailureReportState;

/**
 * The failure reporter's side of the database: which failure reports are owed, who is sending
 * which, the rate limit per destination address, and every decision taken (table
 * {@code failure_report_sends}).
 *
 * <p>Everything that must hold across threads and across James nodes sharing the database is done
 * by single conditional statements that InnoDB serialises on the row they change:
 * <ul>
 * <li>{@link #claim}: due rows are read locked ({@code FOR UPDATE SKIP LOCKED}: concurrent reporters take
 *     disjoint batches), and {@code due} becomes {@code sending} only where it still is {@code due}, so one
 *     reporter alone gets each report;</li>
 * <li>{@link #tryAcquire}: a window's counter is raised only while it is below the limit, so the
 *     limit is never exceeded whatever the number of reporters.</li>
 * </ul>
 * Thread-safe: each call takes a connection of its own.
 */
public final class FailureReportLedger {


    /**
     * Reports due, oldest first, locked; rows another reporter holds locked (claiming them right now) are
     * skipped, so that concurrent reporters take disjoint batches (MariaDB 10.6+).
     */
    private static final String DUE = "SELECT evaluation_id, domain_no FROM evaluation_domains WHERE failure_report_state = 'due' "
        + "ORDER BY evaluated_at LIMIT ? FOR UPDATE SKIP LOCKED";
    /** Claims their reporter left unfinished (it died, or lost the database): taken again after the claim timeout. */
    private static final String STALE = "SELECT evaluation_id, domain_no FROM evaluation_domains WHERE failure_report_state = 'sending' "
        + "AND failure_reported_at < ? ORDER BY evaluated_at LIMIT ? FOR UPDATE SKIP LOCKED";
    private static final String NAMES = "SELECT e.record_id, d.header_from FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
        + "WHERE d.evaluation_id = ? AND d.domain_no = ?";
    private static final String CLAIM = "UPDATE evaluation_domains SET failure_report_state = 'sending', failure_reported_at = ? "
        + "WHERE evaluation_id = ? AND domain_no = ? AND (failure_report_state = 'due' "
        + "OR (failure_report_state = 'sending' AND failure_reported_at < ?))";
    private static final String SETTLE = "UPDATE evaluation_domains SET failure_report_state = ?, failure_reported_at = ? "
        + "WHERE evaluation_id = ? AND domain_no = ? AND failure_report_state = 'sending'";
    private static final String OPEN_WINDOW = "INSERT INTO failure_report_limits (destination, window_start, window_seconds) "
        + "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE window_seconds = window_seconds";
    private static final String TAKE_SLOT = "UPDATE failure_report_limits SET sent = sent + 1 "
        + "WHERE destination = ? AND window_start = ? AND sent < ?";
    private static final String COUNT_SUPPRESSED = "UPDATE failure_report_limits SET suppressed = suppressed + 1 "
        + "WHERE destination = ? AND window_start = ?";
    private static final String GIVE_BACK = "UPDATE failure_report_limits SET sent = sent - 1 "
        + "WHERE destination = ? AND window_start = ? AND sent > 0";
    private static final String LOG = "INSERT INTO failure_report_sends (record_id, header_from, policy_domain, requested_uri, "
        + "destination, outcome, reason, detail, report_message_id, reporter, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SENT_BEFORE = "SELECT destination FROM failure_report_sends "
        + "WHERE record_id = ? AND header_from = ? AND outcome = 'sent'";
    private static final int PRUNE_ROWS_PER_TRANSACTION = 5000;
    private static final String PRUNE_WINDOWS = "DELETE FROM failure_report_limits WHERE window_start < ? LIMIT " + PRUNE_ROWS_PER_TRANSACTION;
    private static final String PRUNE_DECISIONS = "DELETE FROM failure_report_sends WHERE decided_at < ? LIMIT " + PRUNE_ROWS_PER_TRANSACTION;
    private static final String STORE_MESSAGE = "INSERT IGNORE INTO failure_report_messages (record_id, message, stored_at) VALUES (?, ?, ?)";
    private static final String READ_MESSAGE = "SELECT message FROM failure_report_messages WHERE record_id = ?";
    /** A message no report of its evaluation needs any more. */
    private static final String DROP_MESSAGE = "DELETE FROM failure_report_messages WHERE record_id = ? AND NOT EXISTS ("
        + "SELECT 1 FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
        + "WHERE e.record_id = ? AND d.failure_report_state IN ('due', 'sending'))";
    /** Messages whose evaluation is stored and owes no report, or that were kept too long. */
    private static final String PRUNE_MESSAGES = "DELETE FROM failure_report_messages WHERE stored_at < ? OR (stored_at < ? AND EXISTS ("
        + "SELECT 1 FROM evaluations e WHERE e.record_id = failure_report_messages.record_id) AND NOT EXISTS ("
        + "SELECT 1 FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
        + "WHERE e.record_id = failure_report_messages.record_id AND d.failure_report_state IN ('due', 'sending')))";

    private final DataSource dataSource;
    private final EvaluationRepository evaluations;

    public FailureReportLedger(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.evaluations = new EvaluationRepository(dataSource);
    }

    /** A failure report owed for one Author Domain of an evaluation, claimed by this reporter. */
    public record Claim(long evaluationRow, int domainNo, String recordId, String headerFrom, EvaluationRecord record,
                        DomainVerdict verdict) {
        public Claim {
            Objects.requireNonNull(recordId, "recordId");
            Objects.requireNonNull(headerFrom, "headerFrom");
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    /** One decision about one report: a row of {@code failure_report_sends}. */
    public record Decision(Optional<String> policyDomain, Optional<String> requestedUri, Optional<String> destination,
                           Outcome outcome, String reason, String detail, Optional<String> reportMessageId) {
        public Decision {
            Objects.requireNonNull(policyDomain, "policyDomain");
            Objects.requireNonNull(requestedUri, "requestedUri");
            destination = destination.map(d -> d.toLowerCase(Locale.ROOT));
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(reportMessageId, "reportMessageId");
        }
    }

    /** What became of a report at one destination. */
    public enum Outcome {
        SENT("sent"), SUPPRESSED("suppressed");

        private final String token;

        Outcome(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /**
     * Claims up to {@code limit} owed reports, oldest first: those {@code due}, and those another
     * reporter claimed before {@code now - claimTimeout} and never settled. A report another reporter
     * claims at the same moment is left to it.
     */
    public List<Claim> claim(int limit, Instant now, Duration claimTimeout) throws SQLException {
        record Row(long evaluationRow, int domainNo, String recordId, String headerFrom) {
        }
        LocalDateTime stale = utc(now.minus(claimTimeout));
        List<long[]> candidates = new ArrayList<>();
        List<Row> claimed = new ArrayList<>();
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement query = connection.prepareStatement(STALE)) {
                    query.setObject(1, stale);
                    query.setInt(2, limit);
                    readKeys(query, candidates);
                }
                if (candidates.size() < limit) {
                    try (PreparedStatement query = connection.prepareStatement(DUE)) {
                        query.setInt(1, limit - candidates.size());
                        readKeys(query, candidates);
                    }
                }
                try (PreparedStatement update = connection.prepareStatement(CLAIM);
                     PreparedStatement names = connection.prepareStatement(NAMES)) {
                    for (long[] key : candidates) {
                        update.setObject(1, utc(now));
                        update.setLong(2, key[0]);
                        update.setInt(3, (int) key[1]);
                        update.setObject(4, stale);
                        // conditional still: a row is claimed only while it is due (or its claim stale), whatever else happens
                        if (update.executeUpdate() != 1) {
                            continue;
                        }
                        names.setLong(1, key[0]);
                        names.setInt(2, (int) key[1]);
                        try (ResultSet row = names.executeQuery()) {
                            if (row.next()) {
                                claimed.add(new Row(key[0], (int) key[1], row.getString(1), row.getString(2)));
                            }
                        }
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
        if (claimed.isEmpty()) {
            return List.of();
        }
        Map<String, EvaluationRecord> records = evaluations.find(claimed.stream().map(Row::recordId).distinct().toList());
        List<Claim> claims = new ArrayList<>();
        for (Row row : claimed) {
            EvaluationRecord record = records.get(row.recordId());
            if (record == null || row.domainNo() < 1 || row.domainNo() > record.domains().size()) {
                // pruned between the two statements: nothing is owed any more
                continue;
            }
            claims.add(new Claim(row.evaluationRow(), row.domainNo(), row.recordId(), row.headerFrom(), record,
                record.domains().get(row.domainNo() - 1)));
        }
        return claims;
    }

    private static void readKeys(PreparedStatement query, List<long[]> keys) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                keys.add(new long[] {rows.getLong(1), rows.getInt(2)});
            }
        }
    }

    /** The destinations a report was sent to before (a send interrupted part-way): not sent to again. */
    public Set<String> sentBefore(Claim claim) throws SQLException {
        Set<String> destinations = new HashSet<>();
        try (Connection connection = connection(); PreparedStatement query = connection.prepareStatement(SENT_BEFORE)) {
            query.setString(1, claim.recordId());
            query.setString(2, claim.headerFrom());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    destinations.add(rows.getString(1));
                }
            }
        }
        return destinations;
    }

    /**
     * Takes one of the {@code perWindow} reports {@code destination} may receive in the window of
     * {@code period} that holds {@code now}; when none is left, counts the report as suppressed.
     *
     * @return the window taken from, to {@link #giveBack} should the report not leave; empty when the limit is reached
     */
    public Optional<Instant> tryAcquire(String destination, int perWindow, Duration period, Instant now) throws SQLException {
        String mailbox = destination.toLowerCase(Locale.ROOT);
        Instant window = windowStart(now, period);
        try (Connection connection = connection()) {
            try (PreparedStatement open = connection.prepareStatement(OPEN_WINDOW)) {
                open.setString(1, mailbox);
                open.setObject(2, utc(window));
                open.setLong(3, period.toSeconds());
                open.executeUpdate();
            }
            try (PreparedStatement take = connection.prepareStatement(TAKE_SLOT)) {
                take.setString(1, mailbox);
                take.setObject(2, utc(window));
                take.setInt(3, perWindow);
                if (take.executeUpdate() == 1) {
                    return Optional.of(window);
                }
            }
            try (PreparedStatement count = connection.prepareStatement(COUNT_SUPPRESSED)) {
                count.setString(1, mailbox);
                count.setObject(2, utc(window));
                count.executeUpdate();
            }
            return Optional.empty();
        }
    }

    /** Gives back a slot taken by {@link #tryAcquire} for a report that could not be handed to the mail spool. */
    public void giveBack(String destination, Instant window) throws SQLException {
        try (Connection connection = connection(); PreparedStatement update = connection.prepareStatement(GIVE_BACK)) {
            update.setString(1, destination.toLowerCase(Locale.ROOT));
            update.setObject(2, utc(window));
            update.executeUpdate();
        }
    }

    /**
     * Records the decisions about a claimed report and settles it ({@code sent} when any destination
     * got it, else {@code suppressed}), in one transaction.
     */
    public void settle(Claim claim, List<Decision> decisions, String reporter, Instant at) throws SQLException {
        boolean sent = decisions.stream().anyMatch(d -> d.outcome() == Outcome.SENT);
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try {
                log(connection, claim, decisions, reporter, at);
                try (PreparedStatement update = connection.prepareStatement(SETTLE)) {
                    update.setString(1, (sent ? FailureReportState.SENT : FailureReportState.SUPPRESSED).token());
                    update.setObject(2, utc(at));
                    update.setLong(3, claim.evaluationRow());
                    update.setInt(4, claim.domainNo());
                    update.executeUpdate();
                }
                try (PreparedStatement drop = connection.prepareStatement(DROP_MESSAGE)) {
                    drop.setString(1, claim.recordId());
                    drop.setString(2, claim.recordId());
                    drop.executeUpdate();
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /**
     * Hands a claimed report back ({@code due} again, for a later pass): the DNS could not say where it
     * may go, or the mail spool did not take it. What was sent already is recorded, so that it is not
     * sent again.
     */
    public void release(Claim claim, List<Decision> sentAlready, String reporter, Instant at) throws SQLException {
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            try {
                log(connection, claim, sentAlready, reporter, at);
                try (PreparedStatement update = connection.prepareStatement(SETTLE)) {
                    update.setString(1, FailureReportState.DUE.token());
                    update.setObject(2, utc(at));
                    update.setLong(3, claim.evaluationRow());
                    update.setInt(4, claim.domainNo());
                    update.executeUpdate();
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Deletes rate limit windows that began before {@code cutoff}: they limit nothing any more. */
    public int pruneWindowsBefore(Instant cutoff) throws SQLException {
        try (Connection connection = connection(); PreparedStatement delete = connection.prepareStatement(PRUNE_WINDOWS)) {
            delete.setObject(1, utc(cutoff));
            return delete.executeUpdate();
        }
    }

    /**
     * Deletes the decisions ({@code failure_report_sends} rows) made before {@code cutoff}, a few
     * thousand per transaction so that no lock is held long.
     *
     * @return decisions deleted
     */
    public long pruneDecisionsBefore(Instant cutoff) throws SQLException {
        long deleted = 0;
        try (Connection connection = connection(); PreparedStatement delete = connection.prepareStatement(PRUNE_DECISIONS)) {
            delete.setObject(1, utc(cutoff));
            int batch;
            do {
                batch = delete.executeUpdate();
                deleted += batch;
            } while (batch == PRUNE_ROWS_PER_TRANSACTION);
        }
        return deleted;
    }

    /** Keeps a message for the failure reports of evaluation {@code recordId} that include it; a second copy is ignored. */
    public void storeMessage(String recordId, byte[] message, Instant at) throws SQLException {
        try (Connection connection = connection(); PreparedStatement insert = connection.prepareStatement(STORE_MESSAGE)) {
            insert.setString(1, recordId);
            insert.setBytes(2, message);
            insert.setObject(3, utc(at));
            insert.executeUpdate();
        }
    }

    /** The message kept for evaluation {@code recordId}, when one was. */
    public Optional<byte[]> message(String recordId) throws SQLException {
        try (Connection connection = connection(); PreparedStatement query = connection.prepareStatement(READ_MESSAGE)) {
            query.setString(1, recordId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.empty();
            }
        }
    }

    /**
     * Deletes the messages kept before {@code keptBefore}, and those kept before {@code settledBefore}
     * whose evaluation is stored and owes no report.
     */
    public int pruneMessages(Instant keptBefore, Instant settledBefore) throws SQLException {
        try (Connection connection = connection(); PreparedStatement delete = connection.prepareStatement(PRUNE_MESSAGES)) {
            delete.setObject(1, utc(keptBefore));
            delete.setObject(2, utc(settledBefore));
            return delete.executeUpdate();
        }
    }

    /** The start of the window of {@code period} holding {@code now}: windows are the period's multiples since the epoch. */
    public static Instant windowStart(Instant now, Duration period) {
        long millis = period.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), millis) * millis);
    }

    private static void log(Connection connection, Claim claim, List<Decision> decisions, String reporter, Instant at)
        throws SQLException {
        if (decisions.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(LOG)) {
            for (Decision decision : decisions) {
                insert.setString(1, claim.recordId());
                insert.setString(2, claim.headerFrom());
                insert.setString(3, decision.policyDomain().orElse(null));
                insert.setString(4, decision.requestedUri().orElse(null));
                insert.setString(5, decision.destination().orElse(null));
                insert.setString(6, decision.outcome().token());
                insert.setString(7, decision.reason());
                insert.setString(8, decision.detail());
                insert.setString(9, decision.reportMessageId().orElse(null));
                insert.setString(10, reporter);
                insert.setObject(11, utc(at));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private Connection connection() throws SQLException {
        return BoundedConnections.open(dataSource);
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }
}
