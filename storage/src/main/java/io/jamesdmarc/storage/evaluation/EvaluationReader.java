package io.jamesdmarc.storage.evaluation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.FailureDetails;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.model.vocabulary.Vocabulary;
import io.jamesdmarc.model.vocabulary.YesNo;
import io.jamesdmarc.storage.ingest.Columns;

/** Reads stored evaluations back as the records they were stored from (times to the microsecond). */
final class EvaluationReader {

    /** Ids per query: a few hundred placeholders keep each statement small. */
    private static final int IDS_PER_QUERY = 500;

    private static final String EVALUATIONS = "SELECT id, record_id, evaluated_at, source_ip_text, helo, envelope_from, envelope_to, message_id, "
        + "result, disposition, explanation, spf_domain, spf_scope, spf_result, spf_human_result FROM evaluations WHERE record_id IN ";
    private static final String DOMAINS = "SELECT evaluation_id, header_from, result, explanation, policy_domain, policy_record, "
        + "policy_adkim, policy_aspf, policy_p, policy_sp, policy_np, policy_pct, policy_fo, policy_testing, policy_discovery_method, "
        + "policy_psd, policy_rua, policy_ruf, disposition, policy_dkim, policy_spf, override_reasons, aligned_dkim_domain, "
        + "aligned_dkim_selector, aligned_spf_domain, failure_report_triggers FROM evaluation_domains WHERE evaluation_id IN ";
    private static final String DKIM = "SELECT evaluation_id, domain, selector, result, human_result FROM evaluation_dkim_results "
        + "WHERE evaluation_id IN ";
    private static final String FAILURES = "SELECT evaluation_id, original_mail_from, original_rcpt_to, arrival_date, subject, headers, "
        + "headers_truncated FROM evaluation_failures WHERE evaluation_id IN ";

    private EvaluationReader() {
    }

    /** The stored records among {@code ids}, by id, in the order of {@code ids}; ids not stored are absent. */
    static Map<String, EvaluationRecord> read(Connection connection, Collection<String> ids) throws SQLException {
        List<String> all = ids.stream().distinct().toList();
        Map<String, EvaluationRecord> records = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += IDS_PER_QUERY) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IDS_PER_QUERY));
            records.putAll(readChunk(connection, chunk));
        }
        Map<String, EvaluationRecord> ordered = new LinkedHashMap<>();
        for (String id : all) {
            EvaluationRecord record = records.get(id);
            if (record != null) {
                ordered.put(id, record);
            }
        }
        return ordered;
    }

    private static Map<String, EvaluationRecord> readChunk(Connection connection, List<String> ids) throws SQLException {
        List<EvaluationRow> evaluations = new ArrayList<>(ids.size());
        try (PreparedStatement query = prepare(connection, EVALUATIONS + placeholders(ids.size()), ids);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                evaluations.add(evaluation(rows));
            }
        }
        if (evaluations.isEmpty()) {
            return Map.of();
        }
        List<Long> rowIds = evaluations.stream().map(EvaluationRow::rowId).toList();
        String in = placeholders(rowIds.size());
        Map<Long, List<DomainVerdict>> domains = new HashMap<>();
        try (PreparedStatement query = prepareLongs(connection, DOMAINS + in + " ORDER BY evaluation_id, domain_no", rowIds);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                domains.computeIfAbsent(rows.getLong("evaluation_id"), id -> new ArrayList<>()).add(verdict(rows));
            }
        }
        Map<Long, List<DkimAuthResult>> dkim = new HashMap<>();
        try (PreparedStatement query = prepareLongs(connection, DKIM + in + " ORDER BY evaluation_id, result_no", rowIds);
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                dkim.computeIfAbsent(rows.getLong("evaluation_id"), id -> new ArrayList<>()).add(new DkimAuthResult(
                    rows.getString("domain"), optional(rows, "selector"), enumerated(DkimResult.class, rows.getString("result")),
                    optional(rows, "human_result")));
            }
        }
        Map<Long, FailureDetails> failures = new HashMap<>();
        try (PreparedStatement query = prepareLongs(connection, FAILURES + in, rowIds); ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                failures.put(rows.getLong("evaluation_id"), new FailureDetails(optional(rows, "original_mail_from"),
                    EvaluationJson.strings(rows.getString("original_rcpt_to"), "evaluation_failures.original_rcpt_to"),
                    instant(rows, "arrival_date"), optional(rows, "subject"), rows.getString("headers"),
                    rows.getBoolean("headers_truncated")));
            }
        }
        Map<String, EvaluationRecord> records = new HashMap<>();
        for (EvaluationRow row : evaluations) {
            EvaluationRecord head = row.head();
            records.put(head.id(), new EvaluationRecord(head.id(), head.evaluatedAt(), head.sourceIp(), head.helo(), head.envelopeFrom(),
                head.envelopeTo(), head.messageId(), head.result(), head.disposition(), head.explanation(),
                dkim.getOrDefault(row.rowId(), List.of()), head.spf(), domains.getOrDefault(row.rowId(), List.of()),
                Optional.ofNullable(failures.get(row.rowId()))));
        }
        return records;
    }

    /** An evaluations row: its row id, and the record without its children. */
    private record EvaluationRow(long rowId, EvaluationRecord head) {
    }

    private static EvaluationRow evaluation(ResultSet rows) throws SQLException {
        Optional<SpfAuthResult> spf = Optional.empty();
        String spfResult = rows.getString("spf_result");
        if (spfResult != null) {
            spf = Optional.of(new SpfAuthResult(rows.getString("spf_domain"),
                optional(rows, "spf_scope").map(scope -> enumerated(SpfScope.class, scope)),
                enumerated(SpfResult.class, spfResult), optional(rows, "spf_human_result")));
        }
        return new EvaluationRow(rows.getLong("id"), new EvaluationRecord(rows.getString("record_id"), instant(rows, "evaluated_at"),
            SourceIp.parse(rows.getString("source_ip_text")), optional(rows, "helo"), optional(rows, "envelope_from"),
            EvaluationJson.strings(rows.getString("envelope_to"), "evaluations.envelope_to"), optional(rows, "message_id"),
            known(DmarcResult.class, rows, "result"), known(Disposition.class, rows, "disposition"), rows.getString("explanation"),
            List.of(), spf, List.of(), Optional.empty()));
    }

    /** The row ids of the evaluations stored with these record ids. */
    static Map<String, Long> rowIds(Connection connection, List<String> recordIds) throws SQLException {
        Map<String, Long> rowIds = new HashMap<>();
        for (int from = 0; from < recordIds.size(); from += IDS_PER_QUERY) {
            List<String> chunk = recordIds.subList(from, Math.min(recordIds.size(), from + IDS_PER_QUERY));
            try (PreparedStatement query = prepare(connection, "SELECT id, record_id FROM evaluations WHERE record_id IN "
                + placeholders(chunk.size()), chunk); ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    rowIds.put(rows.getString(2), rows.getLong(1));
                }
            }
        }
        return rowIds;
    }

    private static PreparedStatement prepareLongs(Connection connection, String sql, List<Long> values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < values.size(); i++) {
            statement.setLong(i + 1, values.get(i));
        }
        return statement;
    }

    private static DomainVerdict verdict(ResultSet rows) throws SQLException {
        Optional<RecordedPolicy> policy = Optional.empty();
        String policyDomain = rows.getString("policy_domain");
        if (policyDomain != null) {
            policy = Optional.of(new RecordedPolicy(rows.getString("policy_record"), published(rows),
                EvaluationJson.strings(rows.getString("policy_rua"), "evaluation_domains.policy_rua"),
                EvaluationJson.strings(rows.getString("policy_ruf"), "evaluation_domains.policy_ruf")));
        }
        PolicyEvaluated evaluated = new PolicyEvaluated(enumerated(Disposition.class, rows.getString("disposition")),
            optional(rows, "policy_dkim").map(r -> enumerated(PolicyResult.class, r)),
            optional(rows, "policy_spf").map(r -> enumerated(PolicyResult.class, r)),
            EvaluationJson.reasons(rows.getString("override_reasons"), "evaluation_domains.override_reasons"));
        Set<FailureOption> triggers = EnumSet.noneOf(FailureOption.class);
        String tokens = rows.getString("failure_report_triggers");
        if (!tokens.isEmpty()) {
            for (String token : tokens.split(",")) {
                triggers.add(Enumerated.parse(FailureOption.class, token).value().orElseThrow(() -> new SQLException(
                    "evaluation_domains.failure_report_triggers holds '" + token + "', not an fo option")));
            }
        }
        return new DomainVerdict(rows.getString("header_from"), known(DmarcResult.class, rows, "result"),
            rows.getString("explanation"), policy, evaluated, optional(rows, "aligned_dkim_domain"),
            optional(rows, "aligned_dkim_selector"), optional(rows, "aligned_spf_domain"), triggers);
    }

    /** The policy_published of a row that has a policy; the columns are those of evaluation_domains. */
    static PolicyPublished published(ResultSet rows) throws SQLException {
        int pct = rows.getInt("policy_pct");
        Optional<Integer> percent = rows.wasNull() ? Optional.empty() : Optional.of(pct);
        return new PolicyPublished(rows.getString("policy_domain"),
            enumerated(Alignment.class, rows.getString("policy_adkim")),
            enumerated(Alignment.class, rows.getString("policy_aspf")),
            enumerated(PolicyAction.class, rows.getString("policy_p")),
            enumerated(PolicyAction.class, rows.getString("policy_sp")),
            optional(rows, "policy_np").map(np -> enumerated(PolicyAction.class, np)),
            percent,
            optional(rows, "policy_fo"),
            optional(rows, "policy_testing").map(t -> enumerated(YesNo.class, t)),
            optional(rows, "policy_discovery_method").map(m -> enumerated(DiscoveryMethod.class, m)),
            optional(rows, "policy_psd").map(psd -> enumerated(PsdFlag.class, psd)));
    }

    static PreparedStatement prepare(Connection connection, String sql, List<String> ids) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < ids.size(); i++) {
            statement.setString(i + 1, ids.get(i));
        }
        return statement;
    }

    static String placeholders(int count) {
        StringBuilder in = new StringBuilder(count * 3 + 2).append('(');
        for (int i = 0; i < count; i++) {
            in.append(i == 0 ? "?" : ", ?");
        }
        return in.append(')').toString();
    }

    static Optional<String> optional(ResultSet rows, String column) throws SQLException {
        return Optional.ofNullable(rows.getString(column));
    }

    static Instant instant(ResultSet rows, String column) throws SQLException {
        return Columns.instant(rows.getObject(column, LocalDateTime.class));
    }

    /** A stored vocabulary value: its text is the standard spelling when known, as written otherwise. */
    static <E extends Enum<E> & Vocabulary> Enumerated<E> enumerated(Class<E> type, String text) {
        return Enumerated.parse(type, text);
    }

    private static <E extends Enum<E> & Vocabulary> E known(Class<E> type, ResultSet rows, String column) throws SQLException {
        String text = rows.getString(column);
        return Enumerated.parse(type, text).value()
            .orElseThrow(() -> new SQLException("column " + column + " holds '" + text + "', not a " + type.getSimpleName()));
    }
}
