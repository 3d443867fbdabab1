package io.jamesdmarc.storage.ingest;

import java.sql.SQLException;

/** Tells the errors the store treats specially from those a caller should retry. */
public final class SqlErrors {

    /** ER_DUP_ENTRY: a UNIQUE key already holds the value. */
    static final int DUPLICATE_KEY = 1062;
    /** ER_LOCK_WAIT_TIMEOUT and ER_LOCK_DEADLOCK: the server rolled the statement or transaction back; running it again succeeds. */
    static final int LOCK_WAIT_TIMEOUT = 1205;
    static final int DEADLOCK = 1213;

    private SqlErrors() {
    }

    /** The insert hit a unique key: the row was stored before (possibly by a transaction that just committed). */
    public static boolean isDuplicateKey(SQLException error) {
        for (SQLException e = error; e != null; e = next(e)) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                return true;
            }
        }
        return false;
    }

    /** A lock wait timed out or a deadlock was broken: the transaction is worth running again. */
    public static boolean isTransientLockConflict(SQLException error) {
        for (SQLException e = error; e != null; e = next(e)) {
            if (e.getErrorCode() == DEADLOCK || e.getErrorCode() == LOCK_WAIT_TIMEOUT || "40001".equals(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE class 22 (data exception): a value the schema cannot hold, e.g. a text longer than its
     * column. It depends on the report only, so retrying is pointless: the report is rejected instead.
     */
    public static boolean isDataError(SQLException error) {
        for (SQLException e = error; e != null; e = next(e)) {
            String state = e.getSQLState();
            if (state != null && state.startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    /** SQLSTATE 22001: string data, right truncation. */
    static boolean isTooLong(SQLException error) {
        for (SQLException e = error; e != null; e = next(e)) {
            if ("22001".equals(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static SQLException next(SQLException error) {
        if (error.getNextException() != null && error.getNextException() != error) {
            return error.getNextException();
        }
        return error.getCause() instanceof SQLException cause && cause != error ? cause : null;
    }
}
