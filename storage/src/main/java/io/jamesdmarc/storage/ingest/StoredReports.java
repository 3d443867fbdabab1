package io.jamesdmarc.storage.ingest;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.DataFormatException;

import javax.sql.DataSource;

import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.DateRange;
import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.ReportFormat;
import io.jamesdmarc.model.aggregate.ReportMetadata;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.ReportedMessage;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PolicyResult;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;
import io.jamesdmarc.model.vocabulary.Vocabulary;
import io.jamesdmarc.model.vocabulary.YesNo;

/**
 * Reads stored reports back as the model objects they were stored from (values as stored: domains
 * in lower case, vocabulary in its standard spelling). Records stream in pieces, like on the way in.
 */
public final class StoredReports {

    private static final int RECORDS_PER_READ = 1000;

    private static final String REPORT = "SELECT * FROM aggregate_reports WHERE id = ?";
    private static final String RECORDS = "SELECT * FROM aggregate_records WHERE aggregate_report_id = ? "
        + "AND record_no BETWEEN ? AND ? ORDER BY record_no";
    private static final String DKIM = "SELECT * FROM aggregate_dkim_results WHERE aggregate_report_id = ? "
        + "AND record_no BETWEEN ? AND ? ORDER BY record_no, result_no";
    private static final String SPF = "SELECT * FROM aggregate_spf_results WHERE aggregate_report_id = ? "
        + "AND record_no BETWEEN ? AND ? ORDER BY record_no, result_no";
    private static final String REASONS = "SELECT * FROM aggregate_override_reasons WHERE aggregate_report_id = ? "
        + "AND record_no BETWEEN ? AND ? ORDER BY record_no, reason_no";
    private static final String FAILURE = "SELECT * FROM failure_reports WHERE id = ?";
    private static final String FIELDS = "SELECT name, value FROM failure_report_fields WHERE failure_report_id = ? ORDER BY field_no";
    private static final String CHUNKS = "SELECT data FROM rejected_input_chunks WHERE rejected_input_id = ? ORDER BY chunk_no";
    private static final String REJECTED = "SELECT size_bytes FROM rejected_inputs WHERE id = ?";

    private final DataSource dataSource;

    public StoredReports(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The header of aggregate report {@code id}. */
    public Optional<AggregateReport> aggregateReport(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return header(connection, id);
        }
    }

    /**
     * Streams aggregate report {@code id} into {@code handler}: header, then every record in order.
     *
     * @return false when there is no such report
     */
    public <X extends Exception> boolean readAggregate(long id, AggregateReportHandler<X> handler) throws SQLException, X {
        try (Connection connection = dataSource.getConnection()) {
            Optional<AggregateReport> header = header(connection, id);
            if (header.isEmpty()) {
                return false;
            }
            handler.header(header.get());
            int count;
            try (PreparedStatement statement = connection.prepareStatement("SELECT record_count FROM aggregate_reports WHERE id = ?")) {
                statement.setLong(1, id);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    count = row.getInt(1);
                }
            }
            for (int first = 1; first <= count; first += RECORDS_PER_READ) {
                for (ReportRecord record : records(connection, id, first, Math.min(count, first + RECORDS_PER_READ - 1))) {
                    handler.record(record);
                }
            }
            return true;
        }
    }

    /** Failure report {@code id} with all its fields. */
    public Optional<FailureReport> failureReport(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(FAILURE)) {
            statement.setLong(1, id);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                List<FailureReport.Field> fields = new ArrayList<>();
                try (PreparedStatement fieldQuery = connection.prepareStatement(FIELDS)) {
                    fieldQuery.setLong(1, id);
                    try (ResultSet field = fieldQuery.executeQuery()) {
                        while (field.next()) {
                            fields.add(new FailureReport.Field(field.getString(1), field.getString(2)));
                        }
                    }
                }
                Optional<ReportedMessage> reported = Optional.empty();
                if (row.getString("message_headers") != null) {
                    reported = Optional.of(new ReportedMessage(text(row, "message_subject"), text(row, "message_from"),
                        text(row, "message_to"), text(row, "message_id"), text(row, "message_date"), row.getString("message_headers"),
                        row.getBoolean("message_complete")));
                }
                Optional<String> sourceIpText = text(row, "source_ip_text");
                Optional<InetAddress> sourceIp = row.getString("source_ip") == null ? Optional.empty()
                    : sourceIpText.map(SourceIp::parse).flatMap(SourceIp::address);
                return Optional.of(new FailureReport(
                    "afrf".equals(row.getString("kind")) ? FailureReport.Kind.AFRF : FailureReport.Kind.PLAIN_TEXT_NOTICE,
                    text(row, "feedback_type"), text(row, "user_agent"), text(row, "version"), text(row, "auth_failure"),
                    text(row, "identity_alignment"), text(row, "original_mail_from"), Columns.jsonStrings(row.getString("original_rcpt_to")),
                    text(row, "arrival_date"), time(row, "arrival_time"), sourceIpText, sourceIp, text(row, "reported_domain"),
                    Columns.jsonStrings(row.getString("reported_uri")), text(row, "dkim_domain"), text(row, "dkim_identity"),
                    text(row, "dkim_selector"), text(row, "spf_dns"), text(row, "delivery_result"),
                    Columns.jsonStrings(row.getString("authentication_results")), fields, reported));
            }
        }
    }

    /** The raw bytes of rejected input {@code id}, as they were given. */
    public Optional<byte[]> rejectedInput(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            long size;
            try (PreparedStatement statement = connection.prepareStatement(REJECTED)) {
                statement.setLong(1, id);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    size = row.getLong(1);
                }
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream((int) Math.min(size, Integer.MAX_VALUE - 8));
            try (PreparedStatement statement = connection.prepareStatement(CHUNKS)) {
                statement.setLong(1, id);
                try (ResultSet chunk = statement.executeQuery()) {
                    while (chunk.next()) {
                        raw.writeBytes(CompressedChunks.uncompress(chunk.getBytes(1)));
                    }
                }
            } catch (DataFormatException e) {
                throw new SQLException("rejected input #" + id + " is damaged: " + e.getMessage(), e);
            }
            if (raw.size() != size) {
                throw new SQLException("rejected input #" + id + " should have " + size + " bytes, its pieces have " + raw.size());
            }
            return Optional.of(raw.toByteArray());
        }
    }

    private static Optional<AggregateReport> header(Connection connection, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(REPORT)) {
            statement.setLong(1, id);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                ReportMetadata metadata = new ReportMetadata(row.getString("org_name"), row.getString("reporter_email"),
                    text(row, "extra_contact_info"), row.getString("report_id"),
                    new DateRange(instant(row, "date_begin"), instant(row, "date_end")),
                    Columns.jsonStrings(row.getString("errors")), text(row, "generator"));
                Integer pct = row.getObject("policy_pct", Integer.class);
                PolicyPublished policy = new PolicyPublished(row.getString("policy_domain"),
                    Enumerated.parse(Alignment.class, row.getString("policy_adkim")),
                    Enumerated.parse(Alignment.class, row.getString("policy_aspf")),
                    Enumerated.parse(PolicyAction.class, row.getString("policy_p")),
                    Enumerated.parse(PolicyAction.class, row.getString("policy_sp")),
                    enumerated(row, "policy_np", PolicyAction.class), Optional.ofNullable(pct), text(row, "policy_fo"),
                    enumerated(row, "policy_testing", YesNo.class), enumerated(row, "policy_discovery_method", DiscoveryMethod.class),
                    enumerated(row, "policy_psd", PsdFlag.class));
                ReportFormat format = ReportFormat.valueOf(row.getString("format").toUpperCase(java.util.Locale.ROOT));
                return Optional.of(new AggregateReport(format, text(row, "version"), metadata, policy,
                    Columns.jsonStrings(row.getString("extensions"))));
            }
        }
    }

    private static List<ReportRecord> records(Connection connection, long id, int first, int last) throws SQLException {
        Map<Integer, List<DkimAuthResult>> dkim = new HashMap<>();
        forEachRow(connection, DKIM, id, first, last, row -> dkim.computeIfAbsent(row.getInt("record_no"), no -> new ArrayList<>())
            .add(new DkimAuthResult(row.getString("domain"), text(row, "selector"),
                Enumerated.parse(DkimResult.class, row.getString("result")), text(row, "human_result"))));
        Map<Integer, List<SpfAuthResult>> spf = new HashMap<>();
        forEachRow(connection, SPF, id, first, last, row -> spf.computeIfAbsent(row.getInt("record_no"), no -> new ArrayList<>())
            .add(new SpfAuthResult(row.getString("domain"), enumerated(row, "scope", SpfScope.class),
                Enumerated.parse(SpfResult.class, row.getString("result")), text(row, "human_result"))));
        Map<Integer, List<PolicyOverrideReason>> reasons = new HashMap<>();
        forEachRow(connection, REASONS, id, first, last, row -> reasons.computeIfAbsent(row.getInt("record_no"), no -> new ArrayList<>())
            .add(new PolicyOverrideReason(Enumerated.parse(OverrideType.class, row.getString("type")), text(row, "comment"))));
        List<ReportRecord> records = new ArrayList<>(last - first + 1);
        forEachRow(connection, RECORDS, id, first, last, row -> {
            int no = row.getInt("record_no");
            String ipText = row.getString("source_ip_text");
            SourceIp sourceIp = row.getString("source_ip") == null ? new SourceIp(ipText, Optional.empty()) : SourceIp.parse(ipText);
            PolicyEvaluated evaluated = new PolicyEvaluated(Enumerated.parse(Disposition.class, row.getString("disposition")),
                enumerated(row, "policy_dkim", PolicyResult.class), enumerated(row, "policy_spf", PolicyResult.class),
                reasons.getOrDefault(no, List.of()));
            records.add(new ReportRecord(sourceIp, row.getLong("message_count"), evaluated, text(row, "header_from"),
                text(row, "envelope_from"), text(row, "envelope_to"), dkim.getOrDefault(no, List.of()), spf.getOrDefault(no, List.of()),
                Columns.jsonStrings(row.getString("extensions"))));
        });
        return records;
    }

    private interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private static void forEachRow(Connection connection, String sql, long id, int first, int last, RowReader reader) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, id);
            statement.setInt(2, first);
            statement.setInt(3, last);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    reader.read(row);
                }
            }
        }
    }

    private static Optional<String> text(ResultSet row, String column) throws SQLException {
        return Optional.ofNullable(row.getString(column));
    }

    private static <E extends Enum<E> & Vocabulary> Optional<Enumerated<E>> enumerated(ResultSet row, String column, Class<E> type)
        throws SQLException {
        return text(row, column).map(value -> Enumerated.parse(type, value));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return Columns.instant(row.getObject(column, LocalDateTime.class));
    }

    private static Optional<Instant> time(ResultSet row, String column) throws SQLException {
        LocalDateTime value = row.getObject(column, LocalDateTime.class);
        return value == null ? Optional.empty() : Optional.of(Columns.instant(value));
    }
}
