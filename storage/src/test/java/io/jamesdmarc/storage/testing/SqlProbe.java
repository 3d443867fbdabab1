package io.jamesdmarc.storage.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/** Plain SQL reads for assertions: row counts and column values. */
public final class SqlProbe {

    private final DataSource dataSource;

    public SqlProbe(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long count(String table) throws SQLException {
        return longs("SELECT COUNT(*) FROM " + table).get(0);
    }

    /** Every column of every row, as longs, row after row. */
    public List<Long> longs(String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int i = 1; i <= columns; i++) {
                    values.add(rows.getLong(i));
                }
            }
        }
        return values;
    }

    /** The first column of every row, as text. */
    public List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
