package io.jamesdmarc.storage.reporting;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code queries.sql}: queries that each begin with a {@code -- name: <name>} line, then
 * comment lines describing it, then the statement ending with {@code ;}. What comes before the first
 * name is the file's preamble. The file operators copy from {@code conf-samples/} is on the class
 * path as {@value #RESOURCE}.
 */
public final class QueriesFile {

    public static final String RESOURCE = "io/jamesdmarc/storage/reporting/queries.sql";

    private static final Pattern NAME = Pattern.compile("^--\\s*name:\\s*([A-Za-z0-9_]+)\\s*$");

    private QueriesFile() {
    }

    /** The queries shipped with james-dmarc. */
    public static List<NamedQuery> bundled() {
        try (InputStream in = QueriesFile.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path (the storage jar is incomplete)");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * The queries of a queries.sql text, in file order.
     *
     * @throws IllegalArgumentException a name is repeated, or a query has no statement
     */
    public static List<NamedQuery> parse(String text) {
        List<NamedQuery> queries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String name = null;
        StringBuilder description = new StringBuilder();
        StringBuilder sql = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            Matcher header = NAME.matcher(line.strip());
            if (header.matches()) {
                if (name != null) {
                    queries.add(query(name, description, sql));
                }
                name = header.group(1);
                if (!names.add(name)) {
                    throw new IllegalArgumentException("queries.sql names two queries '" + name + "'");
                }
                description.setLength(0);
                sql.setLength(0);
            } else if (name != null) {
                if (sql.isEmpty() && line.strip().startsWith("--")) {
                    description.append(description.isEmpty() ? "" : " ").append(line.strip().substring(2).strip());
                } else if (!sql.isEmpty() || !line.isBlank()) {
                    sql.append(line).append('\n');
                }
            }
        }
        if (name != null) {
            queries.add(query(name, description, sql));
        }
        return List.copyOf(queries);
    }

    private static NamedQuery query(String name, CharSequence description, CharSequence sql) {
        String statement = sql.toString().strip();
        if (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).stripTrailing();
        }
        if (statement.isEmpty()) {
            throw new IllegalArgumentException("query '" + name + "' of queries.sql has no statement");
        }
        return new NamedQuery(name, description.toString(), statement);
    }
}
