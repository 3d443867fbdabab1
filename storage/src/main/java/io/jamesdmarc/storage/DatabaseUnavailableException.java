package io.jamesdmarc.storage;

import java.sql.SQLException;

/**
 * The DMARC database cannot be reached or used. The message names the URL and the user, never the
 * password, and says what the server or the network answered.
 */
public class DatabaseUnavailableException extends SQLException {

    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause instanceof SQLException sql ? sql.getSQLState() : "08001", cause);
    }
}
