package io.jamesdmarc.storage.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Adds a newly stored aggregate report to its {@code fail_record_count} and to the summary tables the HTTP API reads
 * ({@code aggregate_sources}, {@code aggregate_report_sources}, {@code aggregate_source_spans},
 * {@code aggregate_daily_totals}; migration V3 documents them), inside the report's own
 * transaction: a report is in the summaries exactly when it is stored. Each statement works on the
 * report's rows alone, set-based on the server. Shared rows (a domain's day, a source's span) are
 * written in primary-key order, so that two reports stored at once wait for each other rather than
 * deadlock.
 */
final class ReportRollups {

    /** The span lengths of {@code aggregate_source_spans}: reporting.Period#spans cuts periods into them. */
    private static final String SPANS = "(SELECT 1 AS days UNION ALL SELECT 3 UNION ALL SELECT 9 UNION ALL SELECT 27 UNION ALL SELECT 81)";

    // the sources new to the database; IGNORE: another transaction may be adding the same one right now
    private static final String ADD_SOURCES = "INSERT IGNORE INTO aggregate_sources (source_ip_text, source_ip) "
        + "SELECT rec.source_ip_text, MIN(rec.source_ip) FROM aggregate_records rec "
        + "WHERE rec.aggregate_report_id = ? "
        + "AND NOT EXISTS (SELECT 1 FROM aggregate_sources s WHERE s.source_ip_text = rec.source_ip_text) "
        + "GROUP BY rec.source_ip_text ORDER BY rec.source_ip_text";

    private static final String ADD_REPORT_SOURCES = "INSERT INTO aggregate_report_sources (aggregate_report_id, source_id, "
        + "policy_domain, day, records, fail_records, messages, pass_messages, dkim_aligned, spf_aligned, dkim_pass, spf_pass, "
        + "none_messages, quarantine_messages, reject_messages) "
        + "SELECT rec.aggregate_report_id, src.id, MIN(rep.policy_domain), DATE(MIN(rep.date_begin)), COUNT(*), SUM(NOT rec.dmarc_pass), SUM(rec.message_count), "
        + "SUM(IF(rec.dmarc_pass, rec.message_count, 0)), "
        + "SUM(IF(IFNULL(rec.policy_dkim = 'pass', 0), rec.message_count, 0)), "
        + "SUM(IF(IFNULL(rec.policy_spf = 'pass', 0), rec.message_count, 0)), "
        + "SUM(IF(EXISTS (SELECT 1 FROM aggregate_dkim_results d WHERE d.aggregate_report_id = rec.aggregate_report_id "
        + "  AND d.record_no = rec.record_no AND d.result = 'pass'), rec.message_count, 0)), "
        + "SUM(IF(EXISTS (SELECT 1 FROM aggregate_spf_results s WHERE s.aggregate_report_id = rec.aggregate_report_id "
        + "  AND s.record_no = rec.record_no AND s.result = 'pass' AND IFNULL(s.scope <> 'helo', 1)), rec.message_count, 0)), "
        + "SUM(IF(rec.disposition IN ('none', 'pass'), rec.message_count, 0)), "
        + "SUM(IF(rec.disposition = 'quarantine', rec.message_count, 0)), "
        + "SUM(IF(rec.disposition = 'reject', rec.message_count, 0)) "
        + "FROM aggregate_records rec JOIN aggregate_reports rep ON rep.id = rec.aggregate_report_id "
        + "JOIN aggregate_sources src ON src.source_ip_text = rec.source_ip_text "
        + "WHERE rec.aggregate_report_id = ? GROUP BY rec.aggregate_report_id, src.id";

    private static final String COUNT_FAILING = "UPDATE aggregate_reports rep SET rep.fail_record_count = "
        + "(SELECT IFNULL(SUM(ars.fail_records), 0) FROM aggregate_report_sources ars WHERE ars.aggregate_report_id = rep.id) "
        + "WHERE rep.id = ?";

    private static final String ADD_SPANS = "INSERT INTO aggregate_source_spans (policy_domain, span_days, span_start, source_id, "
        + "reports, records, messages, pass_messages, dkim_aligned, spf_aligned, dkim_pass, spf_pass, "
        + "none_messages, quarantine_messages, reject_messages) "
        + "SELECT rep.policy_domain, span.days, FROM_DAYS(TO_DAYS(rep.date_begin) - MOD(TO_DAYS(rep.date_begin), span.days)), "
        + "ars.source_id, 1, ars.records, ars.messages, ars.pass_messages, ars.dkim_aligned, ars.spf_aligned, ars.dkim_pass, "
        + "ars.spf_pass, ars.none_messages, ars.quarantine_messages, ars.reject_messages "
        + "FROM aggregate_report_sources ars JOIN aggregate_reports rep ON rep.id = ars.aggregate_report_id "
        + "JOIN " + SPANS + " span "
        + "WHERE ars.aggregate_report_id = ? ORDER BY span.days, ars.source_id "
        + addingUp("aggregate_source_spans", "reports", "records", "messages", "pass_messages", "dkim_aligned", "spf_aligned",
            "dkim_pass", "spf_pass", "none_messages", "quarantine_messages", "reject_messages");

    private static final String ADD_DAY = "INSERT INTO aggregate_daily_totals (policy_domain, day, reports, records, fail_records, "
        + "messages, pass_messages, none_messages, quarantine_messages, reject_messages) "
        + "SELECT rep.policy_domain, DATE(rep.date_begin), 1, IFNULL(SUM(ars.records), 0), IFNULL(SUM(ars.fail_records), 0), "
        + "IFNULL(SUM(ars.messages), 0), IFNULL(SUM(ars.pass_messages), 0), IFNULL(SUM(ars.none_messages), 0), "
        + "IFNULL(SUM(ars.quarantine_messages), 0), IFNULL(SUM(ars.reject_messages), 0) "
        + "FROM aggregate_reports rep LEFT JOIN aggregate_report_sources ars ON ars.aggregate_report_id = rep.id "
        + "WHERE rep.id = ? GROUP BY rep.id "
        + addingUp("aggregate_daily_totals", "reports", "records", "fail_records", "messages", "pass_messages", "none_messages",
            "quarantine_messages", "reject_messages");

    private ReportRollups() {
    }

    /** Adds report {@code reportId}, whose records are all written, to the summaries. */
    static void add(Connection connection, long reportId) throws SQLException {
        execute(connection, ADD_SOURCES, reportId);
        execute(connection, ADD_REPORT_SOURCES, reportId);
        execute(connection, COUNT_FAILING, reportId);
        execute(connection, ADD_SPANS, reportId);
        execute(connection, ADD_DAY, reportId);
    }

    /** An existing row gets the new one's figures added; columns named with their table, as the SELECT's tables have the same names. */
    private static String addingUp(String table, String... columns) {
        StringBuilder sql = new StringBuilder("ON DUPLICATE KEY UPDATE ");
        for (int i = 0; i < columns.length; i++) {
            String column = table + "." + columns[i];
            sql.append(i == 0 ? "" : ", ").append(column).append(" = ").append(column).append(" + VALUES(").append(columns[i]).append(')');
        }
        return sql.toString();
    }

    private static void execute(Connection connection, String sql, long reportId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, reportId);
            statement.executeUpdate();
        }
    }
}
