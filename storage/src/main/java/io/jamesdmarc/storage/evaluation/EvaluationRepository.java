package io.jamesdmarc.storage.evaluation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.storage.BoundedConnections;
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

    private static final int PRUNE_ROWS_PER_TRANSACTION = 5_000;
    /**
     * A batch meets a duplicate key when it holds a record stored before (a replay; it then looks the
     * stored ones up), a deadlock when another transaction holds what it needs: then it runs again.
     */
    private static final int STORE_ATTEMPTS = 3;
    private static final int SAMPLES_PER_QUERY = 1000;

    /**
     * The policy domains and configurations of a period (read from the index on evaluated_at alone),
     * each with a sample row whose policy columns are the configuration's, since policy_hash covers
     * them all.
     */
    private static final String POLICIES = "SELECT p.policy_domain, LOWER(HEX(p.policy_hash)) AS policy_hash, p.messages, p.unreported, "
        + "p.first_evaluated, p.last_evaluated, d.policy_adkim, d.policy_aspf, d.policy_p, d.policy_sp, d.policy_np, d.policy_pct, "
        + "d.policy_fo, d.policy_testing, d.policy_discovery_method, d.policy_psd "
        + "FROM (SELECT policy_domain, policy_hash, COUNT(*) AS messages, SUM(aggregate_report_id IS NULL) AS unreported, "
        + "MIN(evaluated_at) AS first_evaluated, MAX(evaluated_at) AS last_evaluated, MIN(evaluation_id << 16 | domain_no) AS sample "
        + "FROM evaluation_domains WHERE evaluated_at >= ? AND evaluated_at < ? AND policy_domain IS NOT NULL "
        + "GROUP BY policy_domain, policy_hash) p "
        + "JOIN evaluation_domains d ON d.evaluation_id = p.sample >> 16 AND d.domain_no = p.sample & 65535 "
        + "ORDER BY p.policy_domain, p.first_evaluated";
    private static final String LATEST_RECORD = "SELECT policy_record, policy_rua FROM evaluation_domains "
        + "WHERE policy_domain = ? AND policy_hash = UNHEX(?) AND evaluated_at >= ? AND evaluated_at < ? "
        + "ORDER BY evaluated_at DESC LIMIT 1";
    /**
     * An aggregate report's records: a period's evaluations under one policy domain and configuration,
     * grouped by everything a record shows. aggregate_key hashes those values (source IP,
     * envelope_from, envelope_to, every DKIM and SPF result, header_from, disposition, aligned DKIM
     * and SPF results, override reasons), so the grouping reads nothing but the index on
     * (policy_domain, policy_hash, evaluated_at, aggregate_key). Each group names one sample row (its
     * evaluation id shifted left 16 bits, or'ed with its domain number: one BIGINT) whose values are
     * the group's: {@link #SAMPLE_VALUES} reads them.
     */
    static final String AGGREGATE_GROUPS = "SELECT COUNT(*) AS message_count, MIN(evaluated_at) AS first_evaluated, "
        + "MAX(evaluated_at) AS last_evaluated, MIN(evaluation_id << 16 | domain_no) AS sample FROM evaluation_domains "
        + "WHERE policy_domain = ? AND policy_hash = UNHEX(?) AND evaluated_at >= ? AND evaluated_at < ? GROUP BY aggregate_key";
    /** The values of sample rows, by evaluation id: asked in id order, they are read in storing order, page after page. */
    static final String SAMPLE_VALUES = "SELECT d.evaluation_id, d.domain_no, e.source_ip_text, e.envelope_from, e.envelope_to, "
        + "e.auth_results, d.header_from, d.disposition, d.policy_dkim, d.policy_spf, d.override_reasons "
        + "FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id WHERE d.evaluation_id IN ";
    /** Like {@link #AGGREGATE_GROUPS}, without rows another report counted (reads each row, not the index alone). */
    static final String AGGREGATE_GROUPS_OF_REPORT = AGGREGATE_GROUPS.replace(" GROUP BY aggregate_key",
        " AND (aggregate_report_id IS NULL OR aggregate_report_id = ?) GROUP BY aggregate_key");
    /** Reads the index on (evaluated_at, policy_domain, policy_hash, aggregate_report_id) alone. */
    private static final String OLDEST_UNREPORTED = "SELECT MIN(evaluated_at) FROM evaluation_domains WHERE evaluated_at >= ? "
        + "AND policy_domain IS NOT NULL AND aggregate_report_id IS NULL";
    /** Evaluations no report still needs: every author domain reported (or without policy), no failure report due. */
    private static final String PRUNE_REPORTED = "DELETE FROM evaluations WHERE evaluated_at < ? AND NOT EXISTS (SELECT 1 FROM "
        + "evaluation_domains d WHERE d.evaluation_id = evaluations.id AND ((d.policy_domain IS NOT NULL AND d.aggregate_report_id IS NULL) "
        + "OR d.failure_report_state = 'due')) LIMIT " + PRUNE_ROWS_PER_TRANSACTION;
    private static final String MARK_AGGREGATE = "UPDATE evaluation_domains SET aggregate_report_id = ?, aggregate_reported_at = ? "
        + "WHERE policy_domain = ? AND policy_hash = UNHEX(?) AND evaluated_at >= ? AND evaluated_at < ? "
        + "AND aggregate_report_id IS NULL";
    private static final String FAILURES_DUE = "SELECT MIN(e.record_id), MIN(d.evaluated_at) AS evaluated_at "
        + "FROM evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
        + "WHERE d.failure_report_state = 'due' GROUP BY d.evaluation_id ORDER BY evaluated_at, d.evaluation_id LIMIT ?";
    private static final String MARK_FAILURE = "UPDATE evaluation_domains d JOIN evaluations e ON e.id = d.evaluation_id "
        + "SET d.failure_report_state = ?, d.failure_reported_at = ? "
        + "WHERE e.record_id = ? AND d.header_from = ? AND d.failure_report_state IS NOT NULL";
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
            // fresh evaluations are inserted as they are; only when one turns out stored before (a replay) are the stored ones
            // looked up and left out
            boolean lookUp = false;
            for (int attempt = 1; ; attempt++) {
                Set<String> existing = lookUp ? existingIds(connection, unique.keySet()) : Set.of();
                List<EvaluationRecord> fresh = existing.isEmpty() ? List.copyOf(unique.values())
                    : unique.values().stream().filter(r -> !existing.contains(r.id())).toList();
                try {
                    EvaluationWriter.insert(connection, fresh);
                    connection.commit();
                    return new StoreOutcome(fresh.size(), duplicates + existing.size(), unstorable);
                } catch (SQLException e) {
                    rollback(connection, e);
                    boolean duplicate = SqlErrors.isDuplicateKey(e);
                    if ((duplicate || SqlErrors.isTransientLockConflict(e)) && attempt < STORE_ATTEMPTS) {
                        lookUp |= duplicate;
                        continue;
                    }
                    if (!SqlErrors.isDataError(e) && !duplicate) {
                        throw e;
                    }
                    return storeIsolating(connection, fresh, duplicates + existing.size(), unstorable);
                }
            }
        }
    }

    /** After a data error: halves of the batch, stored each in its own transaction, until the records the schema cannot hold are alone. */
    private static StoreOutcome storeIsolating(Connection connection, List<EvaluationRecord> records, int duplicates,
                                              List<StoreOutcome.Unstorable> unstorable) throws SQLException {
        int[] counts = {0, duplicates};
        isolate(connection, records, counts, unstorable);
        return new StoreOutcome(counts[0], counts[1], unstorable);
    }

    private static void isolate(Connection connection, List<EvaluationRecord> records, int[] counts,
                                List<StoreOutcome.Unstorable> unstorable) throws SQLException {
        try {
            EvaluationWriter.insert(connection, records);
            connection.commit();
            counts[0] += records.size();
            return;
        } catch (SQLException e) {
            rollback(connection, e);
            boolean duplicate = SqlErrors.isDuplicateKey(e);
            if (!duplicate && !SqlErrors.isDataError(e)) {
                throw e;
            }
            if (records.size() == 1) {
                if (duplicate) {
                    counts[1]++;
                } else {
                    unstorable.add(new StoreOutcome.Unstorable(records.getFirst(), e.getMessage()));
                }
                return;
            }
        }
        int half = records.size() / 2;
        isolate(connection, records.subList(0, half), counts, unstorable);
        isolate(connection, records.subList(half, records.size()), counts, unstorable);
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
        return aggregateRows(policyDomain, policyHash, from, to, OptionalLong.empty());
    }

    /**
     * {@link #aggregateRows(String, String, Instant, Instant)}, leaving out rows that another report
     * counted: only rows not marked reported, or marked with {@code reportId}. For a period whose rows
     * were partly reported before (the send frequency changed); slower, since each row is read.
     */
    public List<AggregateRow> aggregateRows(String policyDomain, String policyHash, Instant from, Instant to, OptionalLong reportId)
        throws SQLException {
        record Group(long count, Instant first, Instant last, long evaluationId, int domainNo) {
        }
        List<Group> groups = new ArrayList<>();
        List<AggregateRow> rows = new ArrayList<>();
        try (Connection connection = connection()) {
            try (PreparedStatement query = connection.prepareStatement(reportId.isPresent() ? AGGREGATE_GROUPS_OF_REPORT : AGGREGATE_GROUPS)) {
                period(query, policyDomain, policyHash, from, to, 1);
                if (reportId.isPresent()) {
                    query.setLong(5, reportId.getAsLong());
                }
                try (ResultSet row = query.executeQuery()) {
                    while (row.next()) {
                        long sample = row.getLong("sample");
                        groups.add(new Group(row.getLong("message_count"), EvaluationReader.instant(row, "first_evaluated"),
                            EvaluationReader.instant(row, "last_evaluated"), sample >>> 16, (int) (sample & 0xffff)));
                    }
                }
            }
            groups.sort(Comparator.comparingLong(Group::evaluationId));
            for (int start = 0; start < groups.size(); start += SAMPLES_PER_QUERY) {
                List<Group> chunk = groups.subList(start, Math.min(groups.size(), start + SAMPLES_PER_QUERY));
                Map<Long, AggregateRow> values = new HashMap<>();
                try (PreparedStatement query = connection.prepareStatement(SAMPLE_VALUES
                    + EvaluationReader.placeholders(chunk.size()))) {
                    for (int i = 0; i < chunk.size(); i++) {
                        query.setLong(i + 1, chunk.get(i).evaluationId());
                    }
                    try (ResultSet row = query.executeQuery()) {
                        while (row.next()) {
                            values.put(row.getLong("evaluation_id") << 16 | row.getInt("domain_no"), sampleValues(row));
                        }
                    }
                }
                for (Group group : chunk) {
                    AggregateRow sample = values.get(group.evaluationId() << 16 | group.domainNo());
                    if (sample == null) {
                        // pruned between the two queries: the group is gone with it
                        continue;
                    }
                    rows.add(new AggregateRow(sample.sourceIp(), sample.headerFrom(), sample.envelopeFrom(), sample.envelopeTo(),
                        sample.policyEvaluated(), sample.dkim(), sample.spf(), group.count(), group.first(), group.last()));
                }
            }
        }
        rows.sort(Comparator.comparingLong(AggregateRow::count).reversed()
            .thenComparing(row -> row.sourceIp().text()).thenComparing(AggregateRow::headerFrom));
        return rows;
    }

    /** A sample row's values, with no count yet. */
    private static AggregateRow sampleValues(ResultSet row) throws SQLException {
        EvaluationJson.AuthResults auth = EvaluationJson.authResults(row.getString("auth_results"), "evaluations.auth_results");
        PolicyEvaluated evaluated = new PolicyEvaluated(EvaluationReader.enumerated(Disposition.class, row.getString("disposition")),
            EvaluationReader.optional(row, "policy_dkim").map(r -> EvaluationReader.enumerated(PolicyResult.class, r)),
            EvaluationReader.optional(row, "policy_spf").map(r -> EvaluationReader.enumerated(PolicyResult.class, r)),
            EvaluationJson.reasons(row.getString("override_reasons"), "evaluation_domains.override_reasons"));
        return new AggregateRow(SourceIp.parse(row.getString("source_ip_text")), row.getString("header_from"),
            EvaluationReader.optional(row, "envelope_from"), EvaluationJson.strings(row.getString("envelope_to"), "evaluations.envelope_to"),
            evaluated, auth.dkim(), auth.spf(), 0, Instant.EPOCH, Instant.EPOCH);
    }

    /**
     * Marks a period's evaluations under one policy domain and configuration as counted by an
     * aggregate report; those marked before keep their report.
     *
     * @return the rows marked now
     */
    public int markAggregateReported(String policyDomain, String policyHash, Instant from, Instant to, long reportId, Instant at)
        throws SQLException {
        try (Connection connection = connection()) {
            return markAggregateReported(connection, policyDomain, policyHash, from, to, reportId, at);
        }
    }

    /**
     * {@link #markAggregateReported(String, String, Instant, Instant, long, Instant)} on the caller's
     * connection, in its transaction: the outbound report's state and its marks commit together.
     */
    public static int markAggregateReported(Connection connection, String policyDomain, String policyHash, Instant from, Instant to,
                                            long reportId, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(MARK_AGGREGATE)) {
            update.setLong(1, reportId);
            update.setObject(2, EvaluationWriter.time(at));
            period(update, policyDomain, policyHash, from, to, 3);
            return update.executeUpdate();
        }
    }

    /**
     * The earliest evaluation time at or after {@code from} of an author domain under a policy that no
     * aggregate report counted yet: where the aggregate reporter's work begins.
     */
    public Optional<Instant> oldestUnreported(Instant from) throws SQLException {
        try (Connection connection = connection(); PreparedStatement query = connection.prepareStatement(OLDEST_UNREPORTED)) {
            query.setObject(1, EvaluationWriter.time(from));
            try (ResultSet row = query.executeQuery()) {
                row.next();
                java.time.LocalDateTime oldest = row.getObject(1, java.time.LocalDateTime.class);
                return Optional.ofNullable(oldest).map(time -> time.toInstant(java.time.ZoneOffset.UTC));
            }
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
        return deleteInBatches(PRUNE, cutoff);
    }

    /**
     * Deletes the evaluations made before {@code cutoff} that no report needs any more: each of their
     * author domains under a policy was counted by an aggregate report, and no failure report is due.
     * Unreported evaluations are kept however old (a paused reporter loses nothing).
     *
     * @return evaluations deleted
     */
    public long pruneReportedBefore(Instant cutoff) throws SQLException {
        return deleteInBatches(PRUNE_REPORTED, cutoff);
    }

    /** Whether the database answers: a cheap probe for the recorder's replayer. */
    boolean reachable() {
        try (Connection connection = connection()) {
            return connection.isValid((int) TimeUnit.MILLISECONDS.toSeconds(BoundedConnections.NETWORK_TIMEOUT_MILLIS));
        } catch (SQLException e) {
            return false;
        }
    }

    /** Runs a {@code DELETE ... LIMIT} on the rows before {@code cutoff} until it deletes fewer than a batch: no lock is held long. */
    private long deleteInBatches(String delete, Instant cutoff) throws SQLException {
        long deleted = 0;
        try (Connection connection = connection(); PreparedStatement statement = connection.prepareStatement(delete)) {
            statement.setObject(1, EvaluationWriter.time(cutoff));
            int batch;
            do {
                batch = statement.executeUpdate();
                deleted += batch;
            } while (batch == PRUNE_ROWS_PER_TRANSACTION);
        }
        return deleted;
    }

    private Connection connection() throws SQLException {
        return BoundedConnections.open(dataSource);
    }

    private static Set<String> existingIds(Connection connection, Collection<String> ids) throws SQLException {
        Set<String> existing = new HashSet<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 1000) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 1000));
            try (PreparedStatement query = EvaluationReader.prepare(connection,
                     "SELECT record_id FROM evaluations WHERE record_id IN " + EvaluationReader.placeholders(chunk.size()), chunk);
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
