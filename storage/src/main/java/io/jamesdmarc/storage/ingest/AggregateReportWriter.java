package io.jamesdmarc.storage.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.PolicyPublished;
import io.jamesdmarc.model.aggregate.ReportMetadata;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.vocabulary.Enumerated;

/**
 * Writes one aggregate report as the reader streams it, inside the caller's transaction: the header
 * row first (its unique key makes a second copy stop right there), then the records and their
 * DKIM, SPF and override rows in JDBC batches, so memory stays flat whatever the record count.
 */
final class AggregateReportWriter implements AggregateReportHandler<StoreHalt>, AutoCloseable {

    /** Records per batch: each batch goes to the server as one bulk INSERT per table, of a few hundred KB. */
    static final int BATCH_RECORDS = 1000;
    /** Reader warnings kept per report: they are diagnostics, and a bad report could produce one per record. */
    static final int MAX_WARNINGS = 1000;

    private static final String INSERT_REPORT = "INSERT INTO aggregate_reports (received_message_id, org_name, reporter_email, "
        + "extra_contact_info, report_id, date_begin, date_end, policy_domain, policy_adkim, policy_aspf, policy_p, policy_sp, "
        + "policy_np, policy_pct, policy_fo, policy_testing, policy_discovery_method, policy_psd, format, version, generator, "
        + "errors, extensions, parse_warnings, source_location) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?)";
    /** The same expression as the report_key column, so the existing row is found through its unique index. */
    private static final String FIND_REPORT = "SELECT id FROM aggregate_reports WHERE report_key = "
        + "UNHEX(SHA2(CONCAT_WS(CHAR(0), ?, ?, ?, ?, CAST(? AS DATETIME), CAST(? AS DATETIME)), 256))";
    private static final String INSERT_RECORD = "INSERT INTO aggregate_records (aggregate_report_id, record_no, source_ip, "
        + "source_ip_text, message_count, disposition, policy_dkim, policy_spf, header_from, envelope_from, envelope_to, extensions) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DKIM = "INSERT INTO aggregate_dkim_results (aggregate_report_id, record_no, result_no, "
        + "domain, selector, result, human_result) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_SPF = "INSERT INTO aggregate_spf_results (aggregate_report_id, record_no, result_no, "
        + "domain, scope, result, human_result) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_REASON = "INSERT INTO aggregate_override_reasons (aggregate_report_id, record_no, "
        + "reason_no, type, comment) VALUES (?, ?, ?, ?, ?)";
    private static final String UPDATE_TOTALS = "UPDATE aggregate_reports SET record_count = ?, message_count = ?, "
        + "dmarc_pass_count = ?, extensions = ?, parse_warnings = ? WHERE id = ?";

    private final Connection connection;
    private final ReceivedMessageRef message;
    private final String location;

    private AggregateReport header;
    private long reportId;
    private String description = "aggregate report";
    private PreparedStatement records;
    private PreparedStatement dkim;
    private PreparedStatement spf;
    private PreparedStatement reasons;
    private boolean childrenPending;
    private int recordNo;
    private int batchStart = 1;
    private int pending;
    private long messageCount;
    private long passCount;

    AggregateReportWriter(Connection connection, ReceivedMessageRef message, String location) {
        this.connection = connection;
        this.message = message;
        this.location = location;
    }

    @Override
    public void header(AggregateReport report) throws StoreHalt {
        if (header != null) {
            throw new IllegalStateException("header given twice for " + description);
        }
        header = report;
        ReportMetadata metadata = report.metadata();
        PolicyPublished policy = report.policyPublished();
        description = "aggregate report '" + metadata.reportId() + "' from '" + metadata.orgName() + "' for "
            + Columns.domain(policy.domain()) + " " + metadata.dateRange().begin() + ".." + metadata.dateRange().end();
        LocalDateTime begin = storable(metadata.dateRange().begin(), "begin");
        LocalDateTime end = storable(metadata.dateRange().end(), "end");
        try (PreparedStatement insert = connection.prepareStatement(INSERT_REPORT, Statement.RETURN_GENERATED_KEYS)) {
            int i = 0;
            insert.setLong(++i, message.id());
            insert.setString(++i, metadata.orgName());
            insert.setString(++i, metadata.email());
            Columns.text(insert, ++i, metadata.extraContactInfo());
            insert.setString(++i, metadata.reportId());
            insert.setObject(++i, begin);
            insert.setObject(++i, end);
            insert.setString(++i, Columns.domain(policy.domain()));
            insert.setString(++i, policy.adkim().text());
            insert.setString(++i, policy.aspf().text());
            insert.setString(++i, policy.p().text());
            insert.setString(++i, policy.sp().text());
            Columns.text(insert, ++i, policy.np().map(Enumerated::text));
            if (policy.pct().isPresent()) {
                insert.setInt(++i, policy.pct().get());
            } else {
                insert.setNull(++i, Types.INTEGER);
            }
            Columns.text(insert, ++i, policy.fo());
            Columns.text(insert, ++i, policy.testing().map(Enumerated::text));
            Columns.text(insert, ++i, policy.discoveryMethod().map(Enumerated::text));
            Columns.text(insert, ++i, policy.psd().map(Enumerated::text));
            insert.setString(++i, report.format().name().toLowerCase(java.util.Locale.ROOT));
            Columns.text(insert, ++i, report.version());
            Columns.text(insert, ++i, metadata.generator());
            insert.setString(++i, Columns.json(metadata.errors()));
            insert.setString(++i, Columns.json(report.extensions()));
            Columns.text(insert, ++i, Columns.location(location));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                reportId = keys.getLong(1);
            }
        } catch (SQLException e) {
            if (SqlErrors.isDuplicateKey(e)) {
                throw new StoreHalt.Duplicate(existingId(metadata, begin, end));
            }
            throw StoreHalt.of(e, description);
        }
        try {
            records = connection.prepareStatement(INSERT_RECORD);
            dkim = connection.prepareStatement(INSERT_DKIM);
            spf = connection.prepareStatement(INSERT_SPF);
            reasons = connection.prepareStatement(INSERT_REASON);
        } catch (SQLException e) {
            throw new StoreHalt.Failed(e);
        }
    }

    @Override
    public void record(ReportRecord record) throws StoreHalt {
        if (header == null) {
            throw new IllegalStateException("a record came before the header of " + description);
        }
        int no = ++recordNo;
        try {
            int i = 0;
            records.setLong(++i, reportId);
            records.setInt(++i, no);
            if (record.sourceIp().address().isPresent()) {
                records.setBytes(++i, Columns.inet6(record.sourceIp().address().get()));
            } else {
                records.setNull(++i, Types.BINARY);
            }
            records.setString(++i, record.sourceIp().text());
            records.setLong(++i, record.count());
            records.setString(++i, record.policyEvaluated().disposition().text());
            Columns.text(records, ++i, record.policyEvaluated().dkim().map(Enumerated::text));
            Columns.text(records, ++i, record.policyEvaluated().spf().map(Enumerated::text));
            Columns.text(records, ++i, record.headerFrom());
            Columns.text(records, ++i, record.envelopeFrom());
            Columns.text(records, ++i, record.envelopeTo());
            Columns.text(records, ++i, record.extensions().isEmpty() ? Optional.empty() : Optional.of(Columns.json(record.extensions())));
            records.addBatch();
            addChildren(no, record);
        } catch (SQLException e) {
            throw StoreHalt.of(e, description + ", record " + no);
        }
        messageCount += record.count();
        if (record.policyEvaluated().dmarcPass()) {
            passCount += record.count();
        }
        if (++pending >= BATCH_RECORDS) {
            flush();
        }
    }

    private void addChildren(int no, ReportRecord record) throws SQLException {
        int resultNo = 0;
        for (DkimAuthResult result : record.dkim()) {
            dkim.setLong(1, reportId);
            dkim.setInt(2, no);
            dkim.setInt(3, ++resultNo);
            dkim.setString(4, result.domain());
            Columns.text(dkim, 5, result.selector());
            dkim.setString(6, result.result().text());
            Columns.text(dkim, 7, result.humanResult());
            dkim.addBatch();
            childrenPending = true;
        }
        resultNo = 0;
        for (SpfAuthResult result : record.spf()) {
            spf.setLong(1, reportId);
            spf.setInt(2, no);
            spf.setInt(3, ++resultNo);
            spf.setString(4, result.domain());
            Columns.text(spf, 5, result.scope().map(Enumerated::text));
            spf.setString(6, result.result().text());
            Columns.text(spf, 7, result.humanResult());
            spf.addBatch();
            childrenPending = true;
        }
        int reasonNo = 0;
        for (PolicyOverrideReason reason : record.policyEvaluated().reasons()) {
            reasons.setLong(1, reportId);
            reasons.setInt(2, no);
            reasons.setInt(3, ++reasonNo);
            reasons.setString(4, reason.type().text());
            Columns.text(reasons, 5, reason.comment());
            reasons.addBatch();
            childrenPending = true;
        }
    }

    /** Sends the pending records, then their children (which reference them). */
    private void flush() throws StoreHalt {
        if (pending == 0) {
            return;
        }
        try {
            records.executeBatch();
            if (childrenPending) {
                dkim.executeBatch();
                spf.executeBatch();
                reasons.executeBatch();
            }
        } catch (SQLException e) {
            throw StoreHalt.of(e, description + ", records " + batchStart + "-" + recordNo);
        }
        batchStart = recordNo + 1;
        pending = 0;
        childrenPending = false;
    }

    /** Completes the report once read: the last batch, the totals, the link from the message. */
    IngestOutcome finish(AggregateReadSummary summary) throws StoreHalt {
        if (header == null) {
            // a reader that found a report without records may skip the header call: store it anyway
            header(summary.report());
        }
        flush();
        try (PreparedStatement update = connection.prepareStatement(UPDATE_TOTALS)) {
            update.setInt(1, recordNo);
            update.setLong(2, messageCount);
            update.setLong(3, passCount);
            // extensions may follow the records in the document: the summary has them all
            update.setString(4, Columns.json(summary.report().extensions()));
            update.setString(5, Columns.json(capped(summary.warnings())));
            update.setLong(6, reportId);
            update.executeUpdate();
            MessageContents.record(connection, message, MessageContents.Type.AGGREGATE, reportId, IngestOutcome.Status.STORED, location);
        } catch (SQLException e) {
            throw StoreHalt.of(e, description);
        }
        return new IngestOutcome(IngestOutcome.Status.STORED, IngestOutcome.Kind.AGGREGATE_REPORT, reportId, recordNo,
            description + " (" + recordNo + " records, " + messageCount + " messages)");
    }

    /** Links the message to the report stored before. */
    IngestOutcome duplicate(long existingId) throws SQLException {
        MessageContents.record(connection, message, MessageContents.Type.AGGREGATE, existingId, IngestOutcome.Status.DUPLICATE, location);
        return new IngestOutcome(IngestOutcome.Status.DUPLICATE, IngestOutcome.Kind.AGGREGATE_REPORT, existingId, 0,
            description + ", stored before as #" + existingId);
    }

    String description() {
        return description;
    }

    private long existingId(ReportMetadata metadata, LocalDateTime begin, LocalDateTime end) throws StoreHalt {
        try (PreparedStatement find = connection.prepareStatement(FIND_REPORT)) {
            find.setString(1, metadata.orgName());
            find.setString(2, metadata.email());
            find.setString(3, metadata.reportId());
            find.setString(4, Columns.domain(header.policyPublished().domain()));
            find.setObject(5, begin);
            find.setObject(6, end);
            try (ResultSet row = find.executeQuery()) {
                if (row.next()) {
                    return row.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new StoreHalt.Failed(e);
        }
        // the row that was in the way is gone (deleted meanwhile): a retry will store the report
        throw new StoreHalt.Failed(new SQLException("the stored copy of " + description + " vanished while storing it again", "40001"));
    }

    private LocalDateTime storable(java.time.Instant instant, String which) throws StoreHalt {
        return Columns.utc(instant).orElseThrow(() -> new StoreHalt.Unstorable(ReportParseException.Problem.NOT_A_REPORT,
            description + ": date range " + which + " " + instant + " is outside the years 1000-9999", null));
    }

    private static List<String> capped(List<String> warnings) {
        if (warnings.size() <= MAX_WARNINGS) {
            return warnings;
        }
        List<String> kept = new ArrayList<>(warnings.subList(0, MAX_WARNINGS));
        kept.add("... and " + (warnings.size() - MAX_WARNINGS) + " more warnings");
        return kept;
    }

    @Override
    public void close() {
        for (Statement statement : new Statement[] {records, dkim, spf, reasons}) {
            if (statement != null) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    // the connection is being given back or is broken: nothing to keep from a failed close
                }
            }
        }
    }
}
