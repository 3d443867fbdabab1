package io.jamesdmarc.storage.reporting;

import java.util.List;
import java.util.Objects;

/**
 * The answer of a named query: column labels and rows of values as JDBC gives them (Long,
 * BigDecimal, String, LocalDate, LocalDateTime...), for the command line and the HTTP API.
 */
public record QueryResult(String name, List<String> columns, List<List<Object>> rows) {
    public QueryResult {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    public int column(String label) {
        int index = columns.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException("query " + name + " has no column " + label + " (it has " + columns + ")");
        }
        return index;
    }
}
