package io.jamesdmarc.storage.reporting;

import java.util.Objects;

/**
 * One query of {@code queries.sql}.
 *
 * @param name the {@code -- name:} of the query, e.g. {@code domain_summary}
 * @param description the comment lines that follow the name
 * @param sql the statement, without its final {@code ;}; it reads {@code @domain}, {@code @since}, {@code @until}
 */
public record NamedQuery(String name, String description, String sql) {
    public NamedQuery {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(sql, "sql");
    }
}
