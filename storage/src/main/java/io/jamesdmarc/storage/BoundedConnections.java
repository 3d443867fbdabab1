package io.jamesdmarc.storage;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Connections for the work that runs beside mail (recording evaluations, sending reports): a server
 * that stops answering (network down, host frozen) fails the call after {@link #NETWORK_TIMEOUT_MILLIS}
 * instead of hanging a James thread for ever.
 */
public final class BoundedConnections {

    /** How long a statement may wait for the server before its connection is given up as broken. */
    public static final int NETWORK_TIMEOUT_MILLIS = 60_000;

    private BoundedConnections() {
    }

    /** A connection of {@code dataSource} whose statements time out after {@link #NETWORK_TIMEOUT_MILLIS}. */
    public static Connection open(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }
}
