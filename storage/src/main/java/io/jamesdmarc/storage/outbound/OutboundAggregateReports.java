package io.jamesdmarc.storage.outbound;

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
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import javax.sql.DataSource;

import io.jamesdmarc.model.outbound.ReportPeriod;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.ingest.SqlErrors;

/**
 * The aggregate reports this server sends ({@code outbound_aggregate_reports}): the claim that makes
 * each report go out once however many reporters (James nodes, the {@code dmarc} command) share the
 * database, and what a re-send needs (id, file name).
 *
 * <p>A reporter {@linkplain #claim claims} a report before building it: an INSERT of its key, which
 * the unique key lets only one reporter win; or, when the row exists, an UPDATE that takes it over
 * only when its lease expired (its reporter died) or it failed and is due again. Both are atomic in
 * InnoDB, so two reporters never both hold a claim. Thread-safe.
 */
public final class OutboundAggregateReports {

    private static final String COLUMNS = "id, policy_domain, LOWER(HEX(policy_hash)) AS policy_hash, period_begin, period_end, state, "
        + "claim_owner, lease_until, attempts, next_attempt_at, report_id, file_name, parts, records, messages, xml_bytes, gzip_bytes, "
        + "destinations, last_error, sent_at";
    private static final String INSERT = "INSERT INTO outbound_aggregate_reports (policy_domain, policy_hash, period_begin, period_end, "
        + "state, claim_owner, lease_until, attempts, next_attempt_at, report_id, created_at, updated_at) "
        + "VALUES (?, UNHEX(?), ?, ?, 'claimed', ?, ?, 0, ?, ?, ?, ?)";
    private static final String TAKE_OVER = "UPDATE outbound_aggregate_reports SET state = 'claimed', claim_owner = ?, lease_until = ?, "
        + "updated_at = ? WHERE policy_domain = ? AND policy_hash = UNHEX(?) AND period_begin = ? AND period_end = ? "
        + "AND ((state IN ('claimed', 'sending') AND lease_until < ?) OR (state = 'failed' AND next_attempt_at <= ?))";
    private static final String SELECT_KEY = "SELECT " + COLUMNS + " FROM outbound_aggregate_reports "
        + "WHERE policy_domain = ? AND policy_hash = UNHEX(?) AND period_begin = ? AND period_end = ?";
    private static final String SENDING = "UPDATE outbound_aggregate_reports SET state = 'sending', lease_until = ?, file_name = ?, parts = ?, "
        + "records = ?, messages = ?, xml_bytes = ?, gzip_bytes = ?, destinations = ?, updated_at = ? "
        + "WHERE id = ? AND claim_owner = ? AND state = 'claimed'";
    private static final String FINISH = "UPDATE outbound_aggregate_reports SET state = ?, lease_until = NULL, destinations = ?, "
        + "last_error = ?, sent_at = ?, updated_at = ? WHERE id = ? AND claim_owner = ? AND state IN ('claimed', 'sending')";
    private static final String FAIL = "UPDATE outbound_aggregate_reports SET state = 'failed', lease_until = NULL, attempts = attempts + 1, "
        + "next_attempt_at = ?, last_error = ?, destinations = IFNULL(?, destinations), updated_at = ? "
        + "WHERE id = ? AND claim_owner = ? AND state IN ('claimed', 'sending')";

    private final DataSource dataSource;

    public OutboundAggregateReports(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A report this reporter now holds, until {@code leaseUntil}. */
    public record Claim(long id, OutboundReportKey key, String reportId, int attempts) {
    }

    /** A row of {@code outbound_aggregate_reports}. */
    public record Row(long id, OutboundReportKey key, OutboundReportState state, Optional<String> claimOwner, Optional<Instant> leaseUntil,
                      int attempts, Instant nextAttemptAt, String reportId, Optional<String> fileName, OptionalInt parts,
                      OptionalInt records, OptionalLong messages, OptionalLong xmlBytes, OptionalLong gzipBytes,
                      Optional<String> destinations, Optional<String> lastError, Optional<Instant> sentAt) {
    }

    /** What a built report holds, recorded when it is handed over for sending. */
    public record Built(String fileName, int parts, int records, long messages, long xmlBytes, long gzipBytes, String destinationsJson) {
    }

    /**
     * Claims the report of {@code key} for {@code owner}: a new row holding {@code reportId}, or the
     * existing row (keeping its id) when its lease expired or its failed attempt is due again.
     *
     * @return empty when another reporter holds it, or it is sent, undeliverable, or failed and not due yet
     */
    public Optional<Claim> claim(OutboundReportKey key, String owner, String reportId, Instant now, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                int i = key(insert, key, 1);
                insert.setString(i++, owner);
                insert.setObject(i++, time(now.plus(lease)));
                insert.setObject(i++, time(now));
                insert.setString(i++, reportId);
                insert.setObject(i++, time(now));
                insert.setObject(i, time(now));
                insert.executeUpdate();
                return find(connection, key).map(row -> new Claim(row.id(), key, row.reportId(), row.attempts()));
            } catch (SQLException e) {
                if (!SqlErrors.isDuplicateKey(e)) {
                    throw e;
                }
            }
            try (PreparedStatement update = connection.prepareStatement(TAKE_OVER)) {
                update.setString(1, owner);
                update.setObject(2, time(now.plus(lease)));
                update.setObject(3, time(now));
                int i = key(update, key, 4);
                update.setObject(i++, time(now));
                update.setObject(i, time(now));
                if (update.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return find(connection, key).filter(row -> row.claimOwner().orElse("").equals(owner))
                .map(row -> new Claim(row.id(), key, row.reportId(), row.attempts()));
        }
    }

    /**
     * Records the built report and that it is being handed over, renewing the lease.
     *
     * @return false when the claim was lost (its lease expired and another reporter took it): send nothing
     */
    public boolean sending(Claim claim, String owner, Built built, Instant now, Duration lease) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(SENDING)) {
            update.setObject(1, time(now.plus(lease)));
            update.setString(2, built.fileName());
            update.setInt(3, built.parts());
            update.setInt(4, built.records());
            update.setLong(5, built.messages());
            update.setLong(6, built.xmlBytes());
            update.setLong(7, built.gzipBytes());
            update.setString(8, built.destinationsJson());
            update.setObject(9, time(now));
            update.setLong(10, claim.id());
            update.setString(11, owner);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * The report went out: its state, and the evaluations it counted marked with its id, in one
     * transaction.
     *
     * @return the evaluations marked, or -1 when the claim was lost (nothing changed)
     */
    public int sent(Claim claim, String owner, String destinationsJson, Instant now) throws SQLException {
        return finish(claim, owner, OutboundReportState.SENT, destinationsJson, null, now);
    }

    /** The report has nowhere to go: its state, and its evaluations marked as counted by it, in one transaction. */
    public int undeliverable(Claim claim, String owner, String destinationsJson, String why, Instant now) throws SQLException {
        return finish(claim, owner, OutboundReportState.UNDELIVERABLE, destinationsJson, why, now);
    }

    /** The attempt failed: tried again from {@code nextAttempt} on, by whichever reporter claims it then. */
    public boolean failed(Claim claim, String owner, String error, Optional<String> destinationsJson, Instant nextAttempt, Instant now)
        throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(FAIL)) {
            update.setObject(1, time(nextAttempt));
            update.setString(2, error);
            update.setString(3, destinationsJson.orElse(null));
            update.setObject(4, time(now));
            update.setLong(5, claim.id());
            update.setString(6, owner);
            return update.executeUpdate() == 1;
        }
    }

    private int finish(Claim claim, String owner, OutboundReportState state, String destinationsJson, String error, Instant now)
        throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(FINISH)) {
                update.setString(1, state.token());
                update.setString(2, destinationsJson);
                update.setString(3, error);
                update.setObject(4, state == OutboundReportState.SENT ? time(now) : null);
                update.setObject(5, time(now));
                update.setLong(6, claim.id());
                update.setString(7, owner);
                if (update.executeUpdate() != 1) {
                    connection.rollback();
                    return -1;
                }
                OutboundReportKey key = claim.key();
                int marked = EvaluationRepository.markAggregateReported(connection, key.policyDomain(), key.policyHash(),
                    key.period().begin(), key.period().end(), claim.id(), now);
                connection.commit();
                return marked;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The row of {@code key}, if any. */
    public Optional<Row> find(OutboundReportKey key) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return find(connection, key);
        }
    }

    /** Every row whose period begins in [from, to), oldest first. */
    public List<Row> list(Instant from, Instant to) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS + " FROM outbound_aggregate_reports "
                 + "WHERE period_begin >= ? AND period_begin < ? ORDER BY period_begin, policy_domain, id")) {
            query.setObject(1, time(from));
            query.setObject(2, time(to));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        }
        return rows;
    }

    private static Optional<Row> find(Connection connection, OutboundReportKey key) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(SELECT_KEY)) {
            key(query, key, 1);
            try (ResultSet result = query.executeQuery()) {
                return result.next() ? Optional.of(row(result)) : Optional.empty();
            }
        }
    }

    private static Row row(ResultSet r) throws SQLException {
        OutboundReportKey key = new OutboundReportKey(r.getString("policy_domain"), r.getString("policy_hash"),
            new ReportPeriod(instant(r, "period_begin").orElseThrow(), instant(r, "period_end").orElseThrow()));
        return new Row(r.getLong("id"), key, OutboundReportState.of(r.getString("state")), Optional.ofNullable(r.getString("claim_owner")),
            instant(r, "lease_until"), r.getInt("attempts"), instant(r, "next_attempt_at").orElseThrow(), r.getString("report_id"),
            Optional.ofNullable(r.getString("file_name")), optionalInt(r, "parts"), optionalInt(r, "records"), optionalLong(r, "messages"),
            optionalLong(r, "xml_bytes"), optionalLong(r, "gzip_bytes"), Optional.ofNullable(r.getString("destinations")),
            Optional.ofNullable(r.getString("last_error")), instant(r, "sent_at"));
    }

    private static int key(PreparedStatement statement, OutboundReportKey key, int first) throws SQLException {
        statement.setString(first, key.policyDomain());
        statement.setString(first + 1, key.policyHash());
        statement.setObject(first + 2, time(key.period().begin()));
        statement.setObject(first + 3, time(key.period().end()));
        return first + 4;
    }

    static LocalDateTime time(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    private static Optional<Instant> instant(ResultSet r, String column) throws SQLException {
        LocalDateTime value = r.getObject(column, LocalDateTime.class);
        return Optional.ofNullable(value).map(v -> v.toInstant(ZoneOffset.UTC));
    }

    private static OptionalInt optionalInt(ResultSet r, String column) throws SQLException {
        int value = r.getInt(column);
        return r.wasNull() ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static OptionalLong optionalLong(ResultSet r, String column) throws SQLException {
        long value = r.getLong(column);
        return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
    }
}
