package io.jamesdmarc.storage.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.ReportedMessage;

/** Writes one failure report and its fields inside the caller's transaction. */
final class FailureReportWriter {

    private static final String INSERT_REPORT = "INSERT INTO failure_reports (received_message_id, content_hash, kind, "
        + "feedback_type, user_agent, version, auth_failure, identity_alignment, original_mail_from, original_rcpt_to, "
        + "arrival_date, arrival_time, source_ip, source_ip_text, reported_domain, reported_uri, dkim_domain, dkim_identity, "
        + "dkim_selector, spf_dns, delivery_result, authentication_results, message_subject, message_from, message_to, "
        + "message_id, message_date, message_headers, message_complete) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String FIND_REPORT = "SELECT id FROM failure_reports WHERE content_hash = ?";
    private static final String INSERT_FIELD = "INSERT INTO failure_report_fields (failure_report_id, field_no, name, value) "
        + "VALUES (?, ?, ?, ?)";
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private final Connection connection;
    private final ReceivedMessageRef message;
    private final FailureReport report;
    private final String description;

    FailureReportWriter(Connection connection, ReceivedMessageRef message, FailureReport report) {
        this.connection = connection;
        this.message = message;
        this.report = report;
        this.description = describe(report);
    }

    String description() {
        return description;
    }

    IngestOutcome write() throws StoreHalt {
        byte[] hash = contentHash(report, message);
        long id;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_REPORT, Statement.RETURN_GENERATED_KEYS)) {
            bind(insert, hash);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        } catch (SQLException e) {
            if (SqlErrors.isDuplicateKey(e)) {
                throw new StoreHalt.Duplicate(existingId(hash));
            }
            throw StoreHalt.of(e, description);
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_FIELD)) {
            int fieldNo = 0;
            for (FailureReport.Field field : report.fields()) {
                insert.setLong(1, id);
                insert.setInt(2, ++fieldNo);
                insert.setString(3, field.name());
                insert.setString(4, field.value());
                insert.addBatch();
            }
            if (fieldNo > 0) {
                insert.executeBatch();
            }
            MessageContents.record(connection, message, MessageContents.Type.FAILURE, id, IngestOutcome.Status.STORED, null);
        } catch (SQLException e) {
            throw StoreHalt.of(e, description);
        }
        return new IngestOutcome(IngestOutcome.Status.STORED, IngestOutcome.Kind.FAILURE_REPORT, id, 0, description);
    }

    IngestOutcome duplicate(long existingId) throws SQLException {
        MessageContents.record(connection, message, MessageContents.Type.FAILURE, existingId, IngestOutcome.Status.DUPLICATE, null);
        return new IngestOutcome(IngestOutcome.Status.DUPLICATE, IngestOutcome.Kind.FAILURE_REPORT, existingId, 0,
            description + ", stored before as #" + existingId);
    }

    private void bind(PreparedStatement insert, byte[] hash) throws SQLException {
        int i = 0;
        insert.setLong(++i, message.id());
        insert.setBytes(++i, hash);
        insert.setString(++i, report.kind() == FailureReport.Kind.AFRF ? "afrf" : "plain_text_notice");
        Columns.text(insert, ++i, report.feedbackType());
        Columns.text(insert, ++i, report.userAgent());
        Columns.text(insert, ++i, report.version());
        Columns.text(insert, ++i, report.authFailure());
        Columns.text(insert, ++i, report.identityAlignment());
        Columns.text(insert, ++i, report.originalMailFrom());
        insert.setString(++i, Columns.json(report.originalRcptTo()));
        Columns.text(insert, ++i, report.arrivalDate());
        // an Arrival-Date outside DATETIME's years is kept as written (arrival_date) and not parsed
        Optional<java.time.LocalDateTime> arrival = report.arrivalTime().flatMap(Columns::utc);
        if (arrival.isPresent()) {
            insert.setObject(++i, arrival.get());
        } else {
            insert.setNull(++i, Types.TIMESTAMP);
        }
        if (report.sourceIp().isPresent()) {
            insert.setBytes(++i, Columns.inet6(report.sourceIp().get()));
        } else {
            insert.setNull(++i, Types.BINARY);
        }
        Columns.text(insert, ++i, report.sourceIpText());
        Columns.text(insert, ++i, report.reportedDomain().map(Columns::domain));
        insert.setString(++i, Columns.json(report.reportedUri()));
        Columns.text(insert, ++i, report.dkimDomain());
        Columns.text(insert, ++i, report.dkimIdentity());
        Columns.text(insert, ++i, report.dkimSelector());
        Columns.text(insert, ++i, report.spfDns());
        Columns.text(insert, ++i, report.deliveryResult());
        insert.setString(++i, Columns.json(report.authenticationResults()));
        Optional<ReportedMessage> reported = report.reportedMessage();
        Columns.text(insert, ++i, reported.flatMap(ReportedMessage::subject));
        Columns.text(insert, ++i, reported.flatMap(ReportedMessage::from));
        Columns.text(insert, ++i, reported.flatMap(ReportedMessage::to));
        Columns.text(insert, ++i, reported.flatMap(ReportedMessage::messageId));
        Columns.text(insert, ++i, reported.flatMap(ReportedMessage::date));
        Columns.text(insert, ++i, reported.map(ReportedMessage::headers));
        if (reported.isPresent()) {
            insert.setBoolean(++i, reported.get().fullMessage());
        } else {
            insert.setNull(++i, Types.BOOLEAN);
        }
    }

    private long existingId(byte[] hash) throws StoreHalt {
        try (PreparedStatement find = connection.prepareStatement(FIND_REPORT)) {
            find.setBytes(1, hash);
            try (ResultSet row = find.executeQuery()) {
                if (row.next()) {
                    return row.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new StoreHalt.Failed(e);
        }
        throw new StoreHalt.Failed(new SQLException("the stored copy of " + description + " vanished while storing it again", "40001"));
    }

    /**
     * SHA-256 of the report's content, normalised so that copies of one report hash alike: field
     * names in lower case, whitespace runs as one space, line ends of the reported headers as LF.
     * A report that states nothing at all is keyed to its message, so that empty notices stay apart.
     */
    static byte[] contentHash(FailureReport report, ReceivedMessageRef message) {
        StringBuilder content = new StringBuilder(1024);
        line(content, "kind", report.kind().name());
        line(content, "feedback-type", report.feedbackType());
        line(content, "user-agent", report.userAgent());
        line(content, "version", report.version());
        line(content, "auth-failure", report.authFailure());
        line(content, "identity-alignment", report.identityAlignment());
        line(content, "original-mail-from", report.originalMailFrom());
        lines(content, "original-rcpt-to", report.originalRcptTo());
        line(content, "arrival-date", report.arrivalDate());
        line(content, "source-ip", report.sourceIpText());
        line(content, "reported-domain", report.reportedDomain().map(Columns::domain));
        lines(content, "reported-uri", report.reportedUri());
        line(content, "dkim-domain", report.dkimDomain());
        line(content, "dkim-identity", report.dkimIdentity());
        line(content, "dkim-selector", report.dkimSelector());
        line(content, "spf-dns", report.spfDns());
        line(content, "delivery-result", report.deliveryResult());
        lines(content, "authentication-results", report.authenticationResults());
        for (FailureReport.Field field : report.fields()) {
            line(content, "field " + field.name().strip().toLowerCase(Locale.ROOT), field.value());
        }
        boolean empty = report.fields().isEmpty() && report.reportedMessage().isEmpty() && report.feedbackType().isEmpty()
            && report.reportedDomain().isEmpty() && report.sourceIpText().isEmpty() && report.originalMailFrom().isEmpty();
        report.reportedMessage().ifPresent(reported -> {
            line(content, "subject", reported.subject());
            line(content, "from", reported.from());
            line(content, "to", reported.to());
            line(content, "message-id", reported.messageId());
            line(content, "date", reported.date());
            line(content, "complete", String.valueOf(reported.fullMessage()));
            for (String headerLine : LINE_BREAK.split(reported.headers().strip(), -1)) {
                content.append("header ").append(headerLine.stripTrailing()).append('\n');
            }
        });
        if (empty) {
            line(content, "received-message", String.valueOf(message.id()));
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(content.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void line(StringBuilder content, String name, Optional<String> value) {
        value.ifPresent(text -> line(content, name, text));
    }

    private static void line(StringBuilder content, String name, String value) {
        content.append(name).append(": ").append(WHITESPACE.matcher(value.strip()).replaceAll(" ")).append('\n');
    }

    private static void lines(StringBuilder content, String name, List<String> values) {
        for (String value : values) {
            line(content, name, value);
        }
    }

    private static String describe(FailureReport report) {
        StringBuilder text = new StringBuilder("failure report");
        report.reportedDomain().ifPresent(domain -> text.append(" for ").append(Columns.domain(domain)));
        report.sourceIpText().ifPresent(ip -> text.append(" from ").append(ip));
        report.arrivalDate().ifPresent(date -> text.append(" arrived ").append(date));
        return text.toString();
    }
}
