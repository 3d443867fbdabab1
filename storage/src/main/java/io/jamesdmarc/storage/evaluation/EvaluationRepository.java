package io.jamesdmarc.storage.evaluation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.ingest.SqlErrors;

/**
 * The evaluations this server made of inbound mail, for the aggregate and failure reports it sends:
 * stores batches of {@link EvaluationRecord}s (one transaction, bulk INSERTs, a replayed id stored
 * once), reads them back, and gives the rows of an aggregate report.
 *
 * <pre>{@code
 * EvaluationRepository evaluations = new EvaluationRepository(database.dataSource());
 * evaluations.store(batch);
 * for (ReportablePolicy policy : evaluations.reportablePolicies(dayStart, dayEnd)) {
 *     List<AggregateRow> rows = evaluations.aggregateRows(policy.policyDomain(), policy.policyHash(), dayStart, dayEnd);
 * }
 * }</pre>
 *
 * <p>Periods are half-open ({@code from} included, {@code to} excluded) on the evaluation time.
 * Times are kept to the microsecond. Thread-safe: each call takes a connection of its own.
 */
public final class EvaluationRepository {

    /** How long a statement may wait for the server before its connection is given up as broken. */
    static final int NETWORK_TIMEOUT_MILLIS = 60_000;
    private static final int PRUNE_ROWS_PER_TRANSACTION = 5_000;

    private static final String POLICIES = "SELECT policy_domain, LOWER(HEX(policy_hash)) AS policy_hash, "
        + "MIN(policy_adkim) AS policy_adkim, MIN(policy_aspf) AS policy_aspf, MIN(policy_p) AS policy_p, MIN(policy_sp) AS policy_sp, "
        + "MIN(policy_np) AS policy_np, MIN(policy_pct) AS policy_pct, MIN(policy_fo) AS policy_fo, MIN(policy_testing) AS policy_testing, "
        + "MIN(policy_discovery_method) AS policy_discovery_method, MIN(policy_psd) AS policy_psd, COUNT(*) AS messages, "
        + "SUM(aggregate_report_id IS NULL) AS unreported, MIN(evaluated_at) AS first_evaluated, MAX(evaluated_at) AS last_evaluated "
        + "FROM evaluation_domains WHERE evaluated_at >= ? AND evaluated_at < ? AND policy_domain IS NOT NULL "
        + "GROUP BY policy_domain, policy_hash ORDER BY policy_domain, first_evaluated";
    private static final String LATEST_RECORD = "SELECT policy_record, policy_rua FROM evaluation_domains "
        + "WHERE policy_domain = ? AND policy_hash = UNHEX(?) AND evaluated_at >= ? AND evaluated_at < ? "
        + "ORDER BY evaluated_at DESC LIMIT 1";
    /**
     * An aggregate report's records: a period's evaluations under one policy domain and configuration,
     * grouped by everything a record shows. The two aggregate_key columns hash those values (the
     * domain's: header_from, disposition, policy_dkim, policy_spf, override_reasons; the message's:
     * source IP, envelope_from, envelope_to, auth_results), so the grouping compares two fixed-size
     * columns; every value shown is the same for the whole group, MIN() merely names it.
     */
    static final String AGGREGATE_ROWS = "SELECT MIN(e.source_ip_text) AS source_ip_text, MIN(d.header_from) AS header_from, "
        + "MIN(e.envelope_from) AS envelope_from, MIN(e.envelope_to) AS envelope_to, MIN(d.disposition) AS disposition, "
        + "MIN(d.policy_dkim) AS policy_dkim, MIN(d.policy_spf) AS policy_spf, MIN(d.override_reasons) AS override_reasons, "
        + "MIN(e.auth_results) AS auth_results, COUNT(*) AS message_count, MIN(d.evaluated_at) AS first_evaluated, "
        + "MAX(d.evaluated_at) AS last_evaluated "
        + "FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
        + "WHERE d.policy_domain = ? AND d.policy_hash = UNHEX(?) AND d.evaluated_at >= ? AND d.evaluated_at < ? "
        + "GROUP BY d.aggregate_key, e.aggregate_key "
        + "ORDER BY message_count DESC, source_ip_text, header_from, auth_results";
    private static final String MARK_AGGREGATE = "UPDATE evaluation_domains SET aggregate_report_id = ?, aggregate_reported_at = ? "
        + "WHERE policy_domain = ? AND policy_hash = UNHEX(?) AND evaluated_at >= ? AND evaluated_at < ? "
        + "AND aggregate_report_id IS NULL";
    private static final String FAILURES_DUE = "SELECT evaluation_id, MIN(evaluated_at) AS evaluated_at FROM evaluation_domains "
        + "WHERE failure_report_state = 'due' GROUP BY evaluation_id ORDER BY evaluated_at, evaluation_id LIMIT ?";
    private static final String MARK_FAILURE = "UPDATE evaluation_domains SET failure_report_state = ?, failure_reported_at = ? "
        + "WHERE evaluation_id = ? AND header_from = ? AND failure_report_state IS NOT NULL";
    private static final String PRUNE = "DELETE FROM evaluations WHERE evaluated_at < ? LIMIT " + PRUNE_ROWS_PER_TRANSACTION;

    private final DataSource dataSource;

    public EvaluationRepository(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Stores the records in one transaction. Ids stored before (a replay), or repeated in the batch,
     * are left as they are. A record the schema cannot hold (a text longer than its column, a time
     * outside years 1000-9999) is left out and named in the outcome, and the others are stored: data
     * errors never make a batch fail, so a caller never retries one forever.
     *
     * @throws SQLException the database failed (unreachable, timed out...): nothing of the batch is
     *     stored, or only records a retry finds as duplicates
     */
    public StoreOutcome store(List<EvaluationRecord> records) throws SQLException {
        List<StoreOutcome.Unstorable> unstorable = new ArrayList<>();
        Map<String, EvaluationRecord> unique = new LinkedHashMap<>();
        int duplicates = 0;
        for (EvaluationRecord record : records) {
            Optional<String> reason = EvaluationWriter.unstorable(record);
            if (reason.isPresent()) {
                unstorable.add(new StoreOutcome.Unstorable(record, reason.get()));
            } else if (unique.putIfAbsent(record.id(), record) != null) {
                duplicates++;
            }
        }
        if (unique.isEmpty()) {
            return new StoreOutcome(0, duplicates, unstorable);
        }
        try (Connection connection = connection()) {
            connection.setAutoCommit(false);
            Set<String> existing = existingIds(connection, unique.keySet());
            List<EvaluationRecord> fresh = unique.values().stream().filter(r -> !existing.contains(r.id())).toList();
            duplicates += existing.size();
            try {
                EvaluationWriter.insert(connection, fresh);
                connection.commit();
                return new StoreOutcome(fresh.size(), duplicates, unstorable);
            } catch (SQLException e) {
                rollback(connection, e);
                if (!SqlErrors.isDataError(e)) {
                    throw e;
                }
            }
            // a value the schema cannot hold: one record per transaction finds which
            int stored = 0;
            for (EvaluationRecord record : fresh) {
                try {
                    EvaluationWriter.insert(connection, List.of(record));
                    connection.commit();
                    stored++;
                } catch (SQLException e) {
                    rollback(connection, e);
                    if (!SqlErrors.isDataError(e)) {
                        throw e;
                    }
                    unstorable.add(new StoreOutcome.Unstorable(record, e.getMessage()));
                }
            }
            return new StoreOutcome(stored, duplicates, unstorable);
        }
    }

    /** The stored record with this id. */
    public Optional<EvaluationRecord> find(String id) throws SQLException {
        return Optional.ofNullable(find(List.of(id)).get(id));
    }

    /** The stored records among {@code ids}, by id, in the order given; ids not stored are absent. */
    public Map<String, EvaluationRecord> find(Collection<String> ids) throws SQLException {
        try (Connection connection = connection()) {
            return EvaluationReader.read(connection, ids);
        }
    }

    /** Evaluations stored (messages). */
    public long count() throws SQLException {
        return count("SELECT COUNT(*) FROM evaluations");
    }

    /** Evaluations of messages evaluated in [from, to). */
    public long count(Instant from, Instant to) throws SQLException {
        try (Connection connection = connection();
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM evaluations WHERE evaluated_at >= ? "
                 + "AND evaluated_at < ?")) {
            query.setObject(1, EvaluationWriter.time(from));
            query.setObject(2, EvaluationWriter.time(to));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * The aggregate reports a period calls for: each policy domain and policy configuration that
     * evaluations in [from, to) were made under, with the policy as published then.
     */
    public List<ReportablePolicy> reportablePolicies(Instant from, Instant to) throws SQLException {
        List<ReportablePolicy> policies = new ArrayList<>();
        try (Connection connection = connection()) {
            try (PreparedStatement query = connection.prepareStatement(POLICIES)) {
                query.setObject(1, EvaluationWriter.time(from));
                query.setObject(2, EvaluationWriter.time(to));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        policies.add(new ReportablePolicy(rows.getString("policy_domain"), rows.getString("policy_hash"),
                            EvaluationReader.published(rows), "", List.of(), rows.getLong("messages"), rows.getLong("unreported"),
                            EvaluationReader.instant(rows, "first_evaluated"), EvaluationReader.instant(rows, "last_evaluated")));
                    }
                }
            }
            List<ReportablePolicy> withRecords = new ArrayList<>(policies.size());
            try (PreparedStatement query = connection.prepareStatement(LATEST_RECORD)) {
                for (ReportablePolicy policy : policies) {
                    period(query, policy.policyDomain(), policy.policyHash(), from, to, 1);
                    try (ResultSet row = query.executeQuery()) {
                        row.next();
                        withRecords.add(new ReportablePolicy(policy.policyDomain(), policy.policyHash(), policy.published(),
                            row.getString("policy_record"),
                            EvaluationJson.strings(row.getString("policy_rua"), "evaluation_domains.policy_rua"),
                            policy.messages(), policy.unreported(), policy.firstEvaluated(), policy.lastEvaluated()));
                    }
                }
            }
            return withRecords;
        }
    }

    /**
     * The records of the aggregate report for one policy domain and configuration over [from, to):
     * the evaluations grouped by source IP, disposition, aligned DKIM and SPF results, override
     * reasons, header_from, envelope_from, envelope_to and every DKIM and SPF result, most messages
     * first. Rows already marked reported are included: a report can be built again.
     *
     * @param policyHash {@link ReportablePolicy#policyHash()}
     */
    public List<AggregateRow> aggregateRows(String policyDomain, String policyHash, Instant from, Instant to) throws SQLException {
        List<AggregateRow> rows = new ArrayList<>();
        try (Connection connection = connection(); PreparedStatement query = connection.prepareStatement(AGGREGATE_ROWS)) {
            period(query, policyDomain, policyHash, from, to, 1);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows.add(aggregateRow(row));
                }
            }
        }
        return rows;
    }

    private static AggregateRow aggregateRow(ResultSet row) throws SQLException {
        EvaluationJson.AuthResults auth = EvaluationJson.authResults(row.getString("auth_results"), "evaluations.auth_results");
        PolicyEvaluated evaluated = new PolicyEvaluated(EvaluationReader.enumerated(Disposition.class, row.getString("disposition")),
            EvaluationReader.optional(row, "policy_dkim").map(r -> EvaluationReader.enumerated(PolicyResult.class, r)),
            EvaluationReader.optional(row, "policy_spf").map(r -> EvaluationReader.enumerated(PolicyResult.class, r)),
            EvaluationJson.reasons(row.getString("override_reasons"), "evaluation_domains.override_reasons"));
        return new AggregateRow(SourceIp.parse(row.getString("source_ip_text")), row.getString("header_from"),
            EvaluationReader.optional(row, "envelope_from"), EvaluationJson.strings(row.getString("envelope_to"), "evaluations.envelope_to"),
            evaluated, auth.dkim(), auth.spf(), row.getLong("message_count"), EvaluationReader.instant(row, "first_evaluated"),
            EvaluationReader.instant(row, "last_evaluated"));
    }

    /**
     * Marks a period's evaluations under one policy domain and configuration as counted by an
     * aggregate report; those marked before keep their report.
     *
     * @return the rows marked now
     */
    public int markAggregateReported(String policyDomain, String policyHash, Instant from, Instant to, long reportId, Instant at)
        throws SQLException {
        try (Connection connection = connection(); PreparedStatement update = connection.prepareStatement(MARK_AGGREGATE)) {
            update.setLong(1, reportId);
            update.setObject(2, EvaluationWriter.time(at));
            period(update, policyDomain, policyHash, from, to, 3);
            return update.executeUpdate();
        }
    }

    /** Evaluations with an author domain whose failure report is due, oldest first. */
    public List<EvaluationRecord> failureReportsDue(int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = connection(); PreparedStatement query = connection.prepareStatement(FAILURES_DUE)) {
            query.setInt(1, limit);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return new ArrayList<>(EvaluationReader.read(connection, ids).values());
        }
    }

    /**
     * Records what became of the failure report owed for one author domain of an evaluation.
     *
     * @return false when the evaluation has no such domain owing a failure report
     */
    public boolean markFailureReport(String evaluationId, String headerFrom, FailureReportState state, Instant at) throws SQLException {
        try (Connection connection = connection(); PreparedStatement update = connection.prepareStatement(MARK_FAILURE)) {
            update.setString(1, state.token());
            update.setObject(2, EvaluationWriter.time(at));
            update.setString(3, evaluationId);
            update.setString(4, headerFrom);
            return update.executeUpdate() > 0;
        }
    }

    /**
     * Deletes the evaluations made before {@code cutoff}, with their domains, DKIM results and failure
     * details, a few thousand per transaction so that no lock is held long.
     *
     * @return evaluations deleted
     */
    public long pruneEvaluatedBefore(Instant cutoff) throws SQLException {
        long deleted = 0;
        try (Connection connection = connection(); PreparedStatement delete = connection.prepareStatement(PRUNE)) {
            delete.setObject(1, EvaluationWriter.time(cutoff));
            int batch;
            do {
                batch = delete.executeUpdate();
                deleted += batch;
            } while (batch == PRUNE_ROWS_PER_TRANSACTION);
        }
        return deleted;
    }

    /** Whether the database answers: a cheap probe for the recorder's replayer. */
    boolean reachable() {
        try (Connection connection = connection()) {
            return connection.isValid((int) TimeUnit.MILLISECONDS.toSeconds(NETWORK_TIMEOUT_MILLIS));
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            // a server that stops answering (network down, host frozen) fails the call instead of hanging it
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static Set<String> existingIds(Connection connection, Collection<String> ids) throws SQLException {
        Set<String> existing = new HashSet<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 1000) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 1000));
            try (PreparedStatement query = EvaluationReader.prepare(connection,
                     "SELECT id FROM evaluations WHERE id IN " + EvaluationReader.placeholders(chunk.size()), chunk);
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    existing.add(rows.getString(1));
                }
            }
        }
        return existing;
    }

    private static void period(PreparedStatement statement, String policyDomain, String policyHash, Instant from, Instant to, int first)
        throws SQLException {
        statement.setString(first, policyDomain);
        statement.setString(first + 1, policyHash);
        statement.setObject(first + 2, EvaluationWriter.time(from));
        statement.setObject(first + 3, EvaluationWriter.time(to));
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = connection(); PreparedStatement query = connection.prepareStatement(sql);
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void rollback(Connection connection, SQLException cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
