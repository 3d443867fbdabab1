package io.jamesdmarc.mailets.outbound;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.jamesdmarc.mailets.settings.DmarcDatabase;

/**
 * The DMARC database's pool as a {@link DataSource} opened when a connection is first asked for: a
 * reporter made at {@code init()} while the database is down works once it is back.
 */
public final class DatabaseDataSource implements DataSource {

    private final DmarcDatabase database;

    public DatabaseDataSource(DmarcDatabase database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return database.get().dataSource().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the DMARC database's account is configured (db.user)");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no JDBC logging
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the pool's own timeouts apply
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
