package io.jamesdmarc.storage.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Writes {@code received_message_contents}: which report (or rejected input) a message carried and
 * whether it was new. Idempotent: a retried mail adds no second row for the same report.
 */
final class MessageContents {

    enum Type {
        AGGREGATE("aggregate", "aggregate_report_id"),
        FAILURE("failure", "failure_report_id"),
        REJECTED("rejected", "rejected_input_id");

        final String column;
        final String idColumn;

        Type(String column, String idColumn) {
            this.column = column;
            this.idColumn = idColumn;
        }
    }

    private MessageContents() {
    }

    static void record(Connection connection, ReceivedMessageRef message, Type type, long id, IngestOutcome.Status outcome,
                       String location) throws SQLException {
        // ON DUPLICATE KEY UPDATE with no change: the first row (stored or duplicate) stays as it was
        String sql = "INSERT INTO received_message_contents (received_message_id, content_type, " + type.idColumn
            + ", outcome, location) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id";
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setLong(1, message.id());
            insert.setString(2, type.column);
            insert.setLong(3, id);
            insert.setString(4, outcome == IngestOutcome.Status.STORED ? "stored" : "duplicate");
            Columns.text(insert, 5, Columns.location(location));
            insert.executeUpdate();
        }
    }
}
