package io.jamesdmarc.storage.reporting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.jamesdmarc.model.aggregate.SourceIp;

/**
 * What the HTTP API and the dashboard ask: the domains reported on, the reports received, and per
 * domain over a period its summary, its sending sources and its failures. Figures come from the
 * summary tables (migration V3), so that a domain of a million records answers in milliseconds;
 * they count exactly what {@code queries.sql} counts, of the reports {@link DashboardSummaries}
 * has summarized (the reports list and the failure reports are read as stored). Thread-safe.
 */
public final class DashboardQueries {

    private static final String KNOWN_DOMAIN = "SELECT EXISTS (SELECT 1 FROM aggregate_reports WHERE policy_domain = ?) "
        + "OR EXISTS (SELECT 1 FROM failure_reports WHERE reported_domain = ?)";

    private static final String DATA_VERSION = "SELECT (SELECT IFNULL(MAX(id), 0) FROM aggregate_reports), "
        + "(SELECT IFNULL(MAX(id), 0) FROM failure_reports), (SELECT COUNT(*) FROM aggregate_reports WHERE summarized = 0)";

    private static final String ALL_DOMAINS = "SELECT DISTINCT policy_domain FROM aggregate_daily_totals "
        + "UNION SELECT DISTINCT reported_domain FROM failure_reports WHERE reported_domain IS NOT NULL";
    private static final String DOMAIN_TOTALS = "SELECT policy_domain, SUM(reports), SUM(messages), SUM(pass_messages) "
        + "FROM aggregate_daily_totals WHERE day BETWEEN ? AND ? GROUP BY policy_domain";

    /** A failure report's time: its Arrival-Date, else when its mail (or file) was received. */
    private static final String FAILURE_TIME = "COALESCE(fr.arrival_time, msg.received_at)";
    private static final String DOMAIN_FAILURES = "SELECT fr.reported_domain, COUNT(*) FROM failure_reports fr "
        + "JOIN received_messages msg ON msg.id = fr.received_message_id "
        + "WHERE fr.reported_domain IS NOT NULL AND " + FAILURE_TIME + " >= ? AND " + FAILURE_TIME + " < ? "
        + "GROUP BY fr.reported_domain";

    private static final String REPORT_COLUMNS = "rep.id, rep.policy_domain, rep.org_name, rep.reporter_email, rep.report_id, "
        + "rep.date_begin, rep.date_end, rep.policy_p, rep.format, rep.record_count, rep.message_count, rep.dmarc_pass_count, "
        + "rep.stored_at, msg.origin, msg.dmarc_result";

    private static final String DAILY_TOTALS = "SELECT day, reports, messages, pass_messages, none_messages, quarantine_messages, "
        + "reject_messages FROM aggregate_daily_totals WHERE policy_domain = ? AND day BETWEEN ? AND ? ORDER BY day";
    private static final String DAILY_FAILURES = "SELECT DATE(" + FAILURE_TIME + ") AS day, COUNT(*) FROM failure_reports fr "
        + "JOIN received_messages msg ON msg.id = fr.received_message_id "
        + "WHERE fr.reported_domain = ? AND " + FAILURE_TIME + " >= ? AND " + FAILURE_TIME + " < ? GROUP BY day";

    private static final String SOURCE_SUMS = "SELECT source_id, SUM(reports), SUM(records), SUM(messages), "
        + "SUM(pass_messages), SUM(dkim_aligned), SUM(spf_aligned), SUM(dkim_pass), SUM(spf_pass), "
        + "SUM(none_messages), SUM(quarantine_messages), SUM(reject_messages) FROM aggregate_source_spans ";

    private static final String FAILURE_COLUMNS = "fr.id, " + FAILURE_TIME + ", fr.kind, fr.reported_domain, fr.auth_failure, "
        + "fr.identity_alignment, fr.source_ip_text, fr.original_mail_from, fr.delivery_result, fr.dkim_domain, fr.dkim_selector, "
        + "fr.spf_dns, fr.message_subject, fr.message_from, fr.user_agent";
    private static final String FAILURES_WHERE = "FROM failure_reports fr JOIN received_messages msg ON msg.id = fr.received_message_id "
        + "WHERE fr.reported_domain = ? AND " + FAILURE_TIME + " >= ? AND " + FAILURE_TIME + " < ?";

    private static final String FAILING_REPORTS = "SELECT id, org_name, date_begin, date_end, fail_record_count FROM aggregate_reports "
        + "WHERE policy_domain = ? AND date_begin >= ? AND date_begin < ? AND fail_record_count > 0 "
        + "ORDER BY date_begin DESC, id DESC LIMIT ? OFFSET ?";
    private static final String FAILING_TOTAL = "SELECT IFNULL(SUM(fail_records), 0) FROM aggregate_daily_totals "
        + "WHERE policy_domain = ? AND day BETWEEN ? AND ?";
    private static final String FAILING_RECORDS = "SELECT record_no, source_ip_text, message_count, disposition, policy_dkim, "
        + "policy_spf, header_from, envelope_from FROM aggregate_records WHERE aggregate_report_id = ? AND NOT dmarc_pass "
        + "ORDER BY record_no LIMIT ? OFFSET ?";
    /** Reports read per round while walking a domain's failing records newest first. */
    private static final int REPORTS_PER_ROUND = 100;

    private final DataSource dataSource;

    public DashboardQueries(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A domain as the tables hold it: lower case, no trailing dot, no surrounding blanks. */
    public static String storedDomain(String domain) {
        String lower = domain.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /**
     * What identifies the data as it is now: it changes whenever a report is stored or summarized
     * (the newest ids of aggregate and failure reports, the reports waiting to be summarized). For
     * caches of the answers above; an index look-up each.
     */
    public String dataVersion() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(DATA_VERSION);
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1) + "/" + row.getLong(2) + "/" + row.getLong(3);
        }
    }

    /** Whether any aggregate report (as policy domain) or failure report (as reported domain) is about {@code domain}. */
    public boolean knownDomain(String domain) throws SQLException {
        String stored = storedDomain(domain);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(KNOWN_DOMAIN)) {
            query.setString(1, stored);
            query.setString(2, stored);
            try (ResultSet row = query.executeQuery()) {
                return row.next() && row.getBoolean(1);
            }
        }
    }

    /** Every domain ever reported on, with its figures in {@code period}: most messages first, then by name. */
    public List<DomainActivity> domains(Period period) throws SQLException {
        Map<String, long[]> figures = new TreeMap<>();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement query = connection.prepareStatement(ALL_DOMAINS); ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    figures.put(rows.getString(1), new long[4]);
                }
            }
            try (PreparedStatement query = connection.prepareStatement(DOMAIN_TOTALS)) {
                query.setObject(1, period.first());
                query.setObject(2, period.last());
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        long[] values = figures.computeIfAbsent(rows.getString(1), d -> new long[4]);
                        values[0] = rows.getLong(2);
                        values[1] = rows.getLong(3);
                        values[2] = rows.getLong(4);
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement(DOMAIN_FAILURES)) {
                setPeriod(query, 1, period);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        figures.computeIfAbsent(rows.getString(1), d -> new long[4])[3] = rows.getLong(2);
                    }
                }
            }
        }
        return figures.entrySet().stream()
            .map(e -> new DomainActivity(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]))
            .sorted(Comparator.comparingLong(DomainActivity::messages).reversed()
                .thenComparing(Comparator.comparingLong(DomainActivity::failureReports).reversed())
                .thenComparing(DomainActivity::domain))
            .toList();
    }

    /** Aggregate reports newest first (by the start of their period, then as stored last). */
    public Page<ReportRow> reports(ReportSearch search, PageRequest page) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        search.domain().ifPresent(domain -> {
            where.append(" AND rep.policy_domain = ?");
            parameters.add(domain);
        });
        search.reporter().ifPresent(reporter -> {
            where.append(" AND rep.org_name = ?");
            parameters.add(reporter);
        });
        search.period().ifPresent(period -> {
            where.append(" AND rep.date_begin >= ? AND rep.date_begin < ?");
            parameters.add(utc(period.since()));
            parameters.add(utc(period.until()));
        });
        try (Connection connection = dataSource.getConnection()) {
            long total;
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM aggregate_reports rep" + where)) {
                bind(count, parameters);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                }
            }
            List<ReportRow> reports = new ArrayList<>();
            if (total > page.offset()) {
                try (PreparedStatement list = connection.prepareStatement("SELECT " + REPORT_COLUMNS + " FROM aggregate_reports rep "
                    + "JOIN received_messages msg ON msg.id = rep.received_message_id" + where
                    + " ORDER BY rep.date_begin DESC, rep.id DESC LIMIT ? OFFSET ?")) {
                    bind(list, parameters);
                    list.setInt(parameters.size() + 1, page.limit());
                    list.setLong(parameters.size() + 2, page.offset());
                    try (ResultSet rows = list.executeQuery()) {
                        while (rows.next()) {
                            reports.add(reportRow(rows));
                        }
                    }
                }
            }
            return new Page<>(total, page, reports);
        }
    }

    /** The figures of {@code domain} in {@code period}. */
    public PeriodSummary summary(String domain, Period period) throws SQLException {
        String stored = storedDomain(domain);
        Map<LocalDate, DailyFigures> days = new TreeMap<>();
        long sources;
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement query = connection.prepareStatement(DAILY_TOTALS)) {
                query.setString(1, stored);
                query.setObject(2, period.first());
                query.setObject(3, period.last());
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        LocalDate day = rows.getObject(1, LocalDate.class);
                        days.put(day, new DailyFigures(day, rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5),
                            rows.getLong(6), rows.getLong(7), 0));
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement(DAILY_FAILURES)) {
                query.setString(1, stored);
                setPeriod(query, 2, period);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        LocalDate day = rows.getObject(1, LocalDate.class);
                        DailyFigures figures = days.getOrDefault(day, DailyFigures.empty(day));
                        days.put(day, new DailyFigures(day, figures.reports(), figures.messages(), figures.passMessages(), figures.none(),
                            figures.quarantine(), figures.reject(), rows.getLong(2)));
                    }
                }
            }
            sources = countSources(connection, stored, period);
        }
        DailyFigures.Totals totals = DailyFigures.sum(days.values());
        return new PeriodSummary(stored, period, totals.reports(), sources, totals.messages(), totals.passMessages(), totals.none(),
            totals.quarantine(), totals.reject(), totals.failureReports(),
            List.copyOf(days.values()));
    }

    /**
     * The sending sources of {@code domain} in {@code period}, ranked, with who reported them. The
     * period's span rows are read once, as they stream, into a total per source (ranking them in
     * MariaDB's GROUP BY costs several times more); only the page's sources are then looked up in full.
     */
    public Page<SourceFigures> sources(String domain, Period period, SourceOrder order, PageRequest page) throws SQLException {
        String stored = storedDomain(domain);
        SpanCondition spans = SpanCondition.of(period);
        try (Connection connection = dataSource.getConnection()) {
            SourceTotals totals = new SourceTotals();
            try (PreparedStatement query = connection.prepareStatement("SELECT source_id, messages, pass_messages "
                + "FROM aggregate_source_spans WHERE policy_domain = ? AND " + spans.sql())) {
                query.setString(1, stored);
                spans.bind(query, 2);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        totals.add(rows.getLong(1), rows.getLong(2), rows.getLong(3));
                    }
                }
            }
            long[] ids = totals.page(order, page.offset(), page.limit());
            if (ids.length == 0) {
                return new Page<>(totals.size(), page, List.of());
            }
            String idList = java.util.Arrays.stream(ids).mapToObj(String::valueOf).collect(Collectors.joining(", "));
            Map<Long, long[]> sums = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement(SOURCE_SUMS + "WHERE policy_domain = ? AND " + spans.sql()
                + " AND source_id IN (" + idList + ") GROUP BY source_id")) {
                query.setString(1, stored);
                spans.bind(query, 2);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        long[] values = new long[11];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = rows.getLong(i + 2);
                        }
                        sums.put(rows.getLong(1), values);
                    }
                }
            }
            Map<Long, String> texts = new HashMap<>();
            try (PreparedStatement query = connection.prepareStatement(
                "SELECT id, source_ip_text FROM aggregate_sources WHERE id IN (" + idList + ")");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    texts.put(rows.getLong(1), rows.getString(2));
                }
            }
            Map<Long, List<SourceFigures.ReporterShare>> reporters = reporters(connection, stored, period, idList);
            List<SourceFigures> figures = new ArrayList<>(ids.length);
            for (long id : ids) {
                long[] v = sums.get(id);
                String text = texts.getOrDefault(id, "?");
                figures.add(new SourceFigures(text, SourceIp.parse(text).address(), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
                    v[9], v[10], reporters.getOrDefault(id, List.of())));
            }
            return new Page<>(totals.size(), page, figures);
        }
    }

    /**
     * Who reported each of the sources, in the domain's reports of the period: most reports first.
     * The sources' rows come from an index that holds all that is needed, the reporters' names from
     * the period's reports; the two are joined here, which costs a few milliseconds where the
     * database's join costs a row look-up per report and source.
     */
    private static Map<Long, List<SourceFigures.ReporterShare>> reporters(Connection connection, String domain, Period period,
                                                                        String idList) throws SQLException {
        Map<Long, String> reporterOfReport = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT id, org_name FROM aggregate_reports "
            + "WHERE policy_domain = ? AND date_begin >= ? AND date_begin < ?")) {
            query.setString(1, domain);
            setPeriod(query, 2, period);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    reporterOfReport.put(rows.getLong(1), rows.getString(2));
                }
            }
        }
        // per source, per reporter (compared as the tables compare names: without regard to case): reports, messages
        Map<Long, Map<String, long[]>> shares = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT source_id, aggregate_report_id, messages "
            + "FROM aggregate_report_sources FORCE INDEX (ix_aggregate_report_sources_source) "
            + "WHERE source_id IN (" + idList + ") AND policy_domain = ? AND day BETWEEN ? AND ?")) {
            query.setString(1, domain);
            query.setObject(2, period.first());
            query.setObject(3, period.last());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String reporter = reporterOfReport.get(rows.getLong(2));
                    if (reporter == null) {
                        continue;
                    }
                    String key = reporter.toLowerCase(Locale.ROOT);
                    names.putIfAbsent(key, reporter);
                    long[] share = shares.computeIfAbsent(rows.getLong(1), id -> new HashMap<>()).computeIfAbsent(key, k -> new long[2]);
                    share[0]++;
                    share[1] += rows.getLong(3);
                }
            }
        }
        Comparator<SourceFigures.ReporterShare> order = Comparator.comparingLong(SourceFigures.ReporterShare::reports).reversed()
            .thenComparing(Comparator.comparingLong(SourceFigures.ReporterShare::messages).reversed())
            .thenComparing(SourceFigures.ReporterShare::reporter, String.CASE_INSENSITIVE_ORDER);
        Map<Long, List<SourceFigures.ReporterShare>> reporters = new HashMap<>();
        shares.forEach((source, byReporter) -> reporters.put(source, byReporter.entrySet().stream()
            .map(e -> new SourceFigures.ReporterShare(names.get(e.getKey()), e.getValue()[0], e.getValue()[1])).sorted(order).toList()));
        return reporters;
    }

    /** Failure reports about {@code domain} whose time (Arrival-Date, else receipt) is in {@code period}, newest first. */
    public Page<FailureReportRow> failureReports(String domain, Period period, PageRequest page) throws SQLException {
        String stored = storedDomain(domain);
        try (Connection connection = dataSource.getConnection()) {
            long total;
            try (PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) " + FAILURES_WHERE)) {
                count.setString(1, stored);
                setPeriod(count, 2, period);
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                }
            }
            List<FailureReportRow> items = new ArrayList<>();
            if (total > page.offset()) {
                try (PreparedStatement list = connection.prepareStatement("SELECT " + FAILURE_COLUMNS + " " + FAILURES_WHERE
                    + " ORDER BY " + FAILURE_TIME + " DESC, fr.id DESC LIMIT ? OFFSET ?")) {
                    list.setString(1, stored);
                    setPeriod(list, 2, period);
                    list.setInt(4, page.limit());
                    list.setLong(5, page.offset());
                    try (ResultSet rows = list.executeQuery()) {
                        while (rows.next()) {
                            items.add(new FailureReportRow(rows.getLong(1), instant(rows, 2), rows.getString(3),
                                text(rows, 4), text(rows, 5), text(rows, 6), text(rows, 7), text(rows, 8), text(rows, 9), text(rows, 10),
                                text(rows, 11), text(rows, 12), text(rows, 13), text(rows, 14), text(rows, 15)));
                        }
                    }
                }
            }
            return new Page<>(total, page, items);
        }
    }

    /**
     * The records of {@code domain}'s aggregate reports in {@code period} that failed DMARC: newest
     * report first, each report's records in report order.
     */
    public Page<FailedRecord> failedRecords(String domain, Period period, PageRequest page) throws SQLException {
        String stored = storedDomain(domain);
        try (Connection connection = dataSource.getConnection()) {
            long total;
            try (PreparedStatement count = connection.prepareStatement(FAILING_TOTAL)) {
                count.setString(1, stored);
                count.setObject(2, period.first());
                count.setObject(3, period.last());
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    total = row.getLong(1);
                }
            }
            List<FailedRecord> items = new ArrayList<>();
            long skip = page.offset();
            long reportOffset = 0;
            // walk the failing reports newest first: whole reports are skipped by their count, records read only where the page is
            while (items.size() < page.limit() && skip < total) {
                List<FailingReport> reports = failingReports(connection, stored, period, reportOffset);
                if (reports.isEmpty()) {
                    break;
                }
                reportOffset += reports.size();
                for (FailingReport report : reports) {
                    if (items.size() >= page.limit()) {
                        break;
                    }
                    if (skip >= report.failing()) {
                        skip -= report.failing();
                        continue;
                    }
                    items.addAll(failingRecords(connection, report, page.limit() - items.size(), skip));
                    skip = 0;
                }
            }
            return new Page<>(total, page, items);
        }
    }

    private record FailingReport(long id, String reporter, Instant begin, Instant end, long failing) {
    }

    private static List<FailingReport> failingReports(Connection connection, String domain, Period period, long offset)
        throws SQLException {
        List<FailingReport> reports = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(FAILING_REPORTS)) {
            query.setString(1, domain);
            setPeriod(query, 2, period);
            query.setInt(4, REPORTS_PER_ROUND);
            query.setLong(5, offset);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    reports.add(new FailingReport(rows.getLong(1), rows.getString(2), instant(rows, 3),
                        instant(rows, 4), rows.getLong(5)));
                }
            }
        }
        return reports;
    }

    private static List<FailedRecord> failingRecords(Connection connection, FailingReport report, int limit, long offset)
        throws SQLException {
        record Row(int recordNo, String sourceIp, long messages, String disposition, Optional<String> dkim, Optional<String> spf,
                   Optional<String> headerFrom, Optional<String> envelopeFrom) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(FAILING_RECORDS)) {
            query.setLong(1, report.id());
            query.setInt(2, limit);
            query.setLong(3, offset);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(result.getInt(1), result.getString(2), result.getLong(3), result.getString(4), text(result, 5),
                        text(result, 6), text(result, 7), text(result, 8)));
                }
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        String numbers = rows.stream().map(row -> String.valueOf(row.recordNo())).collect(Collectors.joining(", "));
        Map<Integer, List<String>> dkim = authResults(connection, "SELECT record_no, domain, selector, result FROM aggregate_dkim_results "
            + "WHERE aggregate_report_id = ? AND record_no IN (" + numbers + ") ORDER BY record_no, result_no", report.id(), "s=");
        Map<Integer, List<String>> spf = authResults(connection, "SELECT record_no, domain, scope, result FROM aggregate_spf_results "
            + "WHERE aggregate_report_id = ? AND record_no IN (" + numbers + ") ORDER BY record_no, result_no", report.id(), "");
        return rows.stream().map(row -> new FailedRecord(report.id(), row.recordNo(), report.reporter(), report.begin(), report.end(),
            row.sourceIp(), row.messages(), row.disposition(), row.dkim(), row.spf(), row.headerFrom(), row.envelopeFrom(),
            dkim.getOrDefault(row.recordNo(), List.of()), spf.getOrDefault(row.recordNo(), List.of()))).toList();
    }

    /** {@code domain: result}, with the selector or scope in brackets when given. */
    private static Map<Integer, List<String>> authResults(Connection connection, String sql, long reportId, String qualifierPrefix)
        throws SQLException {
        Map<Integer, List<String>> results = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, reportId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String qualifier = rows.getString(3);
                    results.computeIfAbsent(rows.getInt(1), n -> new ArrayList<>()).add(rows.getString(2)
                        + (qualifier == null || qualifier.isEmpty() ? "" : " (" + qualifierPrefix + qualifier + ")") + ": " + rows.getString(4));
                }
            }
        }
        return results;
    }

    private static long countSources(Connection connection, String domain, Period period) throws SQLException {
        SpanCondition spans = SpanCondition.of(period);
        try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(DISTINCT source_id) FROM aggregate_source_spans "
            + "WHERE policy_domain = ? AND " + spans.sql())) {
            query.setString(1, domain);
            spans.bind(query, 2);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** The spans that make up a period, as a WHERE condition on aggregate_source_spans: one IN list per span length. */
    private record SpanCondition(Map<Integer, List<LocalDate>> startsByLength) {
        static SpanCondition of(Period period) {
            Map<Integer, List<LocalDate>> starts = new TreeMap<>();
            for (Period.Span span : period.spans()) {
                starts.computeIfAbsent(span.days(), d -> new ArrayList<>()).add(span.start());
            }
            return new SpanCondition(starts);
        }

        String sql() {
            return startsByLength.entrySet().stream()
                .map(e -> "(span_days = " + e.getKey() + " AND span_start IN ("
                    + e.getValue().stream().map(d -> "?").collect(Collectors.joining(", ")) + "))")
                .collect(Collectors.joining(" OR ", "(", ")"));
        }

        int bind(PreparedStatement statement, int first) throws SQLException {
            int index = first;
            for (List<LocalDate> starts : startsByLength.values()) {
                for (LocalDate start : starts) {
                    statement.setObject(index++, start);
                }
            }
            return index;
        }
    }

    private static ReportRow reportRow(ResultSet rows) throws SQLException {
        return new ReportRow(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
            instant(rows, 6), instant(rows, 7), rows.getString(8), rows.getString(9), rows.getLong(10),
            rows.getLong(11), rows.getLong(12), instant(rows, 13), rows.getString(14), text(rows, 15));
    }

    private static void setPeriod(PreparedStatement statement, int first, Period period) throws SQLException {
        statement.setObject(first, utc(period.since()));
        statement.setObject(first + 1, utc(period.until()));
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            statement.setObject(i + 1, parameters.get(i));
        }
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        return rows.getObject(column, LocalDateTime.class).toInstant(ZoneOffset.UTC);
    }

    private static Optional<String> text(ResultSet rows, int column) throws SQLException {
        return Optional.ofNullable(rows.getString(column));
    }
}
