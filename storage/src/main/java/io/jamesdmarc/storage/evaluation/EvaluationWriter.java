package io.jamesdmarc.storage.evaluation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.FailureDetails;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.storage.ingest.Columns;

/**
 * Inserts evaluation records inside the caller's transaction: one bulk INSERT per table for the
 * whole batch (MariaDB's bulk protocol), parents before children. Rows are keyed by an
 * AUTO_INCREMENT id, so that they are appended in storing order (a random UUID as key would scatter
 * every insert over the whole table once it outgrows the buffer pool); the UUID has a unique index. Plain INSERTs: the caller leaves
 * out ids stored before, and retries when a concurrent writer stored one meanwhile (a duplicate key).
 * Neither {@code INSERT IGNORE} (it would turn a value too long for its column into a silent cut)
 * nor {@code ON DUPLICATE KEY UPDATE} (the driver then sends one statement per row, several times slower).
 */
final class EvaluationWriter {

    /** The longest record id the id columns hold. */
    static final int MAX_ID_LENGTH = 64;

    private static final String INSERT_EVALUATION = "INSERT INTO evaluations (record_id, evaluated_at, source_ip, source_ip_text, helo, "
        + "envelope_from, envelope_to, message_id, result, disposition, explanation, spf_domain, spf_scope, spf_result, "
        + "spf_human_result, auth_results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DOMAIN = "INSERT INTO evaluation_domains (evaluation_id, domain_no, evaluated_at, header_from, "
        + "result, explanation, policy_domain, policy_record, policy_adkim, policy_aspf, policy_p, policy_sp, policy_np, policy_pct, "
        + "policy_fo, policy_testing, policy_discovery_method, policy_psd, policy_rua, policy_ruf, disposition, policy_dkim, "
        + "policy_spf, override_reasons, aligned_dkim_domain, aligned_dkim_selector, aligned_spf_domain, failure_report_triggers, "
        + "failure_report_state, aggregate_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DKIM = "INSERT INTO evaluation_dkim_results (evaluation_id, result_no, domain, selector, "
        + "result, human_result) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String INSERT_FAILURE = "INSERT INTO evaluation_failures (evaluation_id, original_mail_from, "
        + "original_rcpt_to, arrival_date, subject, headers, headers_truncated) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private EvaluationWriter() {
    }

    /**
     * Why the schema cannot hold the record whatever the database says, or empty: an id that is not
     * 1-64 printable ASCII characters, a time outside the years 1000-9999, more author domains or
     * DKIM results than a SMALLINT numbers.
     */
    static Optional<String> unstorable(EvaluationRecord record) {
        String id = record.id();
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH || !id.chars().allMatch(c -> c > ' ' && c < 127)) {
            return Optional.of("its id is not 1-" + MAX_ID_LENGTH + " printable ASCII characters");
        }
        if (Columns.utc(record.evaluatedAt()).isEmpty()) {
            return Optional.of("its evaluation time " + record.evaluatedAt() + " is outside the years 1000-9999");
        }
        if (record.failure().isPresent() && Columns.utc(record.failure().get().arrivalDate()).isEmpty()) {
            return Optional.of("its arrival date " + record.failure().get().arrivalDate() + " is outside the years 1000-9999");
        }
        if (record.domains().size() > 0xffff || record.dkim().size() > 0xffff) {
            return Optional.of("it has more than 65535 author domains or DKIM results");
        }
        return Optional.empty();
    }

    /**
     * Inserts the records (each checked with {@link #unstorable} before, none stored yet) and their
     * children: the evaluations first, then their row ids are read back (one query), then the children.
     */
    static void insert(Connection connection, List<EvaluationRecord> records) throws SQLException {
        if (records.isEmpty()) {
            return;
        }
        Map<String, Canonical> canonical = new HashMap<>();
        try (PreparedStatement evaluations = connection.prepareStatement(INSERT_EVALUATION)) {
            for (EvaluationRecord record : records) {
                Canonical texts = new Canonical(EvaluationJson.strings(record.envelopeTo()),
                    EvaluationJson.authResults(record.dkim(), record.spf()));
                canonical.put(record.id(), texts);
                addEvaluation(evaluations, record, texts);
            }
            evaluations.executeBatch();
        }
        Map<String, Long> rowIds = EvaluationReader.rowIds(connection, records.stream().map(EvaluationRecord::id).toList());
        try (PreparedStatement domains = connection.prepareStatement(INSERT_DOMAIN);
             PreparedStatement dkim = connection.prepareStatement(INSERT_DKIM);
             PreparedStatement failures = connection.prepareStatement(INSERT_FAILURE)) {
            int domainRows = 0;
            int dkimRows = 0;
            int failureRows = 0;
            for (EvaluationRecord record : records) {
                Long rowId = rowIds.get(record.id());
                if (rowId == null) {
                    throw new SQLException("evaluation " + record.id() + " is not found right after it was inserted");
                }
                LocalDateTime evaluatedAt = time(record.evaluatedAt());
                int domainNo = 0;
                for (DomainVerdict verdict : record.domains()) {
                    addDomain(domains, rowId, ++domainNo, evaluatedAt, verdict, record, canonical.get(record.id()));
                    domainRows++;
                }
                int resultNo = 0;
                for (DkimAuthResult result : record.dkim()) {
                    int i = 0;
                    dkim.setLong(++i, rowId);
                    dkim.setInt(++i, ++resultNo);
                    dkim.setString(++i, result.domain());
                    Columns.text(dkim, ++i, result.selector());
                    dkim.setString(++i, result.result().text());
                    Columns.text(dkim, ++i, result.humanResult());
                    dkim.addBatch();
                    dkimRows++;
                }
                if (record.failure().isPresent()) {
                    addFailure(failures, rowId, record.failure().get());
                    failureRows++;
                }
            }
            if (domainRows > 0) {
                domains.executeBatch();
            }
            if (dkimRows > 0) {
                dkim.executeBatch();
            }
            if (failureRows > 0) {
                failures.executeBatch();
            }
        }
    }

    /** The JSON texts of a record that its aggregate key covers, made once. */
    private record Canonical(String envelopeTo, String authResults) {
    }

    private static void addEvaluation(PreparedStatement insert, EvaluationRecord record, Canonical texts) throws SQLException {
        int i = 0;
        insert.setString(++i, record.id());
        insert.setObject(++i, time(record.evaluatedAt()));
        if (record.sourceIp().address().isPresent()) {
            insert.setBytes(++i, Columns.inet6(record.sourceIp().address().get()));
        } else {
            insert.setNull(++i, Types.BINARY);
        }
        // as given (SourceIp.of writes the canonical form), so that the record reads back equal
        insert.setString(++i, record.sourceIp().raw());
        Columns.text(insert, ++i, record.helo());
        Columns.text(insert, ++i, record.envelopeFrom());
        insert.setString(++i, texts.envelopeTo());
        Columns.text(insert, ++i, record.messageId());
        insert.setString(++i, record.result().token());
        insert.setString(++i, record.disposition().token());
        insert.setString(++i, record.explanation());
        Optional<SpfAuthResult> spf = record.spf();
        Columns.text(insert, ++i, spf.map(SpfAuthResult::domain));
        Columns.text(insert, ++i, spf.flatMap(SpfAuthResult::scope).map(Enumerated::text));
        Columns.text(insert, ++i, spf.map(result -> result.result().text()));
        Columns.text(insert, ++i, spf.flatMap(SpfAuthResult::humanResult));
        insert.setString(++i, texts.authResults());
        insert.addBatch();
    }

    private static void addDomain(PreparedStatement insert, long rowId, int domainNo, LocalDateTime evaluatedAt, DomainVerdict verdict,
                                  EvaluationRecord record, Canonical texts) throws SQLException {
        int i = 0;
        insert.setLong(++i, rowId);
        insert.setInt(++i, domainNo);
        insert.setObject(++i, evaluatedAt);
        insert.setString(++i, verdict.headerFrom());
        insert.setString(++i, verdict.result().token());
        insert.setString(++i, verdict.explanation());
        Optional<RecordedPolicy> policy = verdict.policy();
        Optional<PolicyPublished> published = policy.map(RecordedPolicy::published);
        Columns.text(insert, ++i, published.map(PolicyPublished::domain));
        Columns.text(insert, ++i, policy.map(RecordedPolicy::record));
        Columns.text(insert, ++i, published.map(p -> p.adkim().text()));
        Columns.text(insert, ++i, published.map(p -> p.aspf().text()));
        Columns.text(insert, ++i, published.map(p -> p.p().text()));
        Columns.text(insert, ++i, published.map(p -> p.sp().text()));
        Columns.text(insert, ++i, published.flatMap(PolicyPublished::np).map(Enumerated::text));
        Optional<Integer> pct = published.flatMap(PolicyPublished::pct);
        if (pct.isPresent()) {
            insert.setInt(++i, pct.get());
        } else {
            insert.setNull(++i, Types.INTEGER);
        }
        Columns.text(insert, ++i, published.flatMap(PolicyPublished::fo));
        Columns.text(insert, ++i, published.flatMap(PolicyPublished::testing).map(Enumerated::text));
        Columns.text(insert, ++i, published.flatMap(PolicyPublished::discoveryMethod).map(Enumerated::text));
        Columns.text(insert, ++i, published.flatMap(PolicyPublished::psd).map(Enumerated::text));
        Columns.text(insert, ++i, policy.map(p -> EvaluationJson.strings(p.rua())));
        Columns.text(insert, ++i, policy.map(p -> EvaluationJson.strings(p.ruf())));
        PolicyEvaluated evaluated = verdict.policyEvaluated();
        String disposition = evaluated.disposition().text();
        Optional<String> policyDkim = evaluated.dkim().map(Enumerated::text);
        Optional<String> policySpf = evaluated.spf().map(Enumerated::text);
        String reasons = EvaluationJson.reasons(evaluated.reasons());
        insert.setString(++i, disposition);
        Columns.text(insert, ++i, policyDkim);
        Columns.text(insert, ++i, policySpf);
        insert.setString(++i, reasons);
        Columns.text(insert, ++i, verdict.alignedDkimDomain());
        Columns.text(insert, ++i, verdict.alignedDkimSelector());
        Columns.text(insert, ++i, verdict.alignedSpfDomain());
        insert.setString(++i, verdict.failureReportTriggers().stream().map(FailureOption::token).collect(Collectors.joining(",")));
        Columns.text(insert, ++i, verdict.failureReportDue() ? Optional.of(FailureReportState.DUE.token()) : Optional.empty());
        insert.setBytes(++i, AggregateKey.of(record.sourceIp().raw(), record.envelopeFrom(), texts.envelopeTo(), texts.authResults(),
            verdict.headerFrom(), disposition, policyDkim, policySpf, reasons));
        insert.addBatch();
    }

    private static void addFailure(PreparedStatement insert, long rowId, FailureDetails failure) throws SQLException {
        int i = 0;
        insert.setLong(++i, rowId);
        Columns.text(insert, ++i, failure.originalMailFrom());
        insert.setString(++i, EvaluationJson.strings(failure.originalRcptTo()));
        insert.setObject(++i, time(failure.arrivalDate()));
        Columns.text(insert, ++i, failure.subject());
        insert.setString(++i, failure.headers());
        insert.setBoolean(++i, failure.headersTruncated());
        insert.addBatch();
    }

    /** A DATETIME(6) value: UTC, to the microsecond (the column's precision; finer digits are dropped, never rounded up). */
    static LocalDateTime time(Instant instant) {
        return Columns.utc(instant.truncatedTo(ChronoUnit.MICROS))
            .orElseThrow(() -> new IllegalArgumentException("outside the years 1000-9999: " + instant));
    }
}
