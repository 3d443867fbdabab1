package io.jamesdmarc.storage.reporting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds stored aggregate reports to the summary tables the HTTP API reads ({@code aggregate_sources},
 * {@code aggregate_report_sources}, {@code aggregate_source_spans}, {@code aggregate_daily_totals},
 * and each report's {@code fail_record_count}; migration V3 documents them), and marks them
 * {@code summarized}.
 *
 * <p>This is done after storing, not while: the store (James's spool threads, {@code dmarc import})
 * stays as fast as without a dashboard, and the summaries cost their work once, where they are
 * read: {@code dmarc serve} summarizes what is pending when it starts, then what arrives, a few
 * reports as each request comes and the rest in the background. Each report is summarized in a
 * transaction of its own, with its row locked: a report is in the summaries entirely or not at
 * all, once, however many servers summarize at the same time. Each statement works on the
 * report's rows alone, set-based on the server; shared rows (a domain's day, a source's span) are
 * written in primary-key order, so that two summarizers wait for each other rather than deadlock.
 *
 * <p>Thread-safe.
 */
public final class DashboardSummaries {

    private static final Logger LOGGER = LoggerFactory.getLogger(DashboardSummaries.class);

    private static final String PENDING = "SELECT COUNT(*) FROM aggregate_reports WHERE summarized = 0";
    private static final String NEXT_PENDING = "SELECT id FROM aggregate_reports WHERE summarized = 0 ORDER BY id LIMIT ?";
    private static final String LOCK = "SELECT summarized FROM aggregate_reports WHERE id = ? FOR UPDATE";
    private static final String MARK = "UPDATE aggregate_reports SET summarized = 1 WHERE id = ?";

    /** The span lengths of {@code aggregate_source_spans}: Period#spans cuts periods into them. */
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

    private final DataSource dataSource;

    public DashboardSummaries(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Stored aggregate reports not in the summaries yet. */
    public long pending() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(PENDING);
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /**
     * Summarizes pending reports, oldest first, at most {@code max} of them.
     *
     * @return how many this call summarized (a report another summarizer took meanwhile is not counted)
     * @throws SQLException the database failed; what was summarized before stays summarized
     */
    public int catchUp(int max) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(NEXT_PENDING)) {
            query.setInt(1, max);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
        }
        int done = 0;
        for (long id : ids) {
            if (summarize(id)) {
                done++;
            }
        }
        return done;
    }

    /**
     * Adds report {@code reportId} to the summaries, unless it is in them already.
     *
     * @return whether this call added it
     */
    public boolean summarize(long reportId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
                    lock.setLong(1, reportId);
                    try (ResultSet row = lock.executeQuery()) {
                        if (!row.next() || row.getBoolean(1)) {
                            connection.rollback();
                            return false;
                        }
                    }
                }
                add(connection, reportId);
                execute(connection, MARK, reportId);
                connection.commit();
                LOGGER.debug("aggregate report #{} added to the dashboard summaries", reportId);
                return true;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    /** Adds report {@code reportId} to the summaries, in the caller's transaction. */
    private static void add(Connection connection, long reportId) throws SQLException {
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
