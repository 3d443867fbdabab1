package io.jamesdmarc.storage.reporting;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The questions operators ask, answered by the named queries of {@code queries.sql} (the same file
 * operators run by hand): per-domain summaries for {@code dmarc summary} and the HTTP API, and any
 * named query by name. Thread-safe.
 */
public final class ReportingQueries {

    public static final String DOMAIN_SUMMARY = "domain_summary";

    private static final String SET_PARAMETERS = "SET @domain = ?, @since = ?, @until = ?";
    private static final String CLEAR_PARAMETERS = "SET @domain = NULL, @since = NULL, @until = NULL";

    private final DataSource dataSource;
    private final Map<String, NamedQuery> queries = new LinkedHashMap<>();

    public ReportingQueries(DataSource dataSource) {
        this(dataSource, QueriesFile.bundled());
    }

    public ReportingQueries(DataSource dataSource, List<NamedQuery> queries) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        for (NamedQuery query : queries) {
            this.queries.put(query.name(), query);
        }
    }

    /** Every named query, in file order. */
    public List<NamedQuery> queries() {
        return List.copyOf(queries.values());
    }

    public Optional<NamedQuery> query(String name) {
        return Optional.ofNullable(queries.get(name));
    }

    /** Per policy domain, the figures of {@code domain_summary}, busiest domain first. */
    public List<DomainSummary> domainSummaries(ReportFilter filter) throws SQLException {
        QueryResult result = run(DOMAIN_SUMMARY, filter);
        int domain = result.column("domain");
        int reports = result.column("reports");
        int sources = result.column("sources");
        int messages = result.column("messages");
        int pass = result.column("pass_messages");
        int fail = result.column("fail_messages");
        int none = result.column("none");
        int quarantine = result.column("quarantine");
        int reject = result.column("reject");
        List<DomainSummary> summaries = new ArrayList<>(result.rows().size());
        for (List<Object> row : result.rows()) {
            summaries.add(new DomainSummary((String) row.get(domain), number(row.get(reports)), number(row.get(sources)),
                number(row.get(messages)), number(row.get(pass)), number(row.get(fail)), number(row.get(none)),
                number(row.get(quarantine)), number(row.get(reject))));
        }
        return summaries;
    }

    /**
     * Runs a named query with the filter as its {@code @domain}, {@code @since}, {@code @until}.
     *
     * @throws IllegalArgumentException no query has that name
     */
    public QueryResult run(String name, ReportFilter filter) throws SQLException {
        NamedQuery query = query(name).orElseThrow(() -> new IllegalArgumentException(
            "no query named '" + name + "' in queries.sql; there are " + queries.keySet()));
        // user variables live in the session: set, query and clear on one connection
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement set = connection.prepareStatement(SET_PARAMETERS)) {
                if (filter.domain().isPresent()) {
                    set.setString(1, filter.domain().get());
                } else {
                    set.setNull(1, Types.VARCHAR);
                }
                setTime(set, 2, filter.since());
                setTime(set, 3, filter.until());
                set.execute();
            }
            try (Statement statement = connection.createStatement()) {
                QueryResult result;
                try (ResultSet rows = statement.executeQuery(query.sql())) {
                    result = read(name, rows);
                }
                // the next run sets all three anyway: clearing is tidiness, not worth failing a good answer for
                try {
                    statement.execute(CLEAR_PARAMETERS);
                } catch (SQLException e) {
                    // the connection goes back to the pool with the variables set; harmless
                }
                return result;
            }
        }
    }

    private static void setTime(PreparedStatement statement, int index, Optional<Instant> time) throws SQLException {
        if (time.isPresent()) {
            statement.setObject(index, LocalDateTime.ofInstant(time.get(), ZoneOffset.UTC));
        } else {
            statement.setNull(index, Types.TIMESTAMP);
        }
    }

    private static QueryResult read(String name, ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> columns = new ArrayList<>(meta.getColumnCount());
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        List<List<Object>> values = new ArrayList<>();
        while (rows.next()) {
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 1; i <= columns.size(); i++) {
                row.add(plain(rows.getObject(i)));
            }
            values.add(Collections.unmodifiableList(row));
        }
        return new QueryResult(name, columns, values);
    }

    /** JDBC's values as plain Java ones: sums as Long (MariaDB gives DECIMAL), rates as BigDecimal, java.time for dates. */
    private static Object plain(Object value) {
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toLocalDateTime();
        }
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate();
        }
        if (value instanceof java.math.BigDecimal decimal && decimal.scale() == 0 && decimal.unscaledValue().bitLength() < 64) {
            return decimal.longValueExact();
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        return value;
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
