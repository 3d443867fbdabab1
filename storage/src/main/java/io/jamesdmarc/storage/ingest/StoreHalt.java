package io.jamesdmarc.storage.ingest;

import java.sql.SQLException;

import io.jamesdmarc.model.ReportParseException;

/**
 * Why a writer stopped the reading of a report: it was stored before, the database failed, or the
 * report holds a value the schema cannot (a date outside years 1000-9999, a text longer than its
 * column). Thrown from inside the reader's handler and caught by {@link ReportStore}.
 */
abstract sealed class StoreHalt extends Exception permits StoreHalt.Duplicate, StoreHalt.Failed, StoreHalt.Unstorable {

    private static final long serialVersionUID = 1L;

    private StoreHalt(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The report's key is taken: {@code existingId} holds it. */
    static final class Duplicate extends StoreHalt {
        private static final long serialVersionUID = 1L;
        final long existingId;

        Duplicate(long existingId) {
            super("stored before as #" + existingId, null);
            this.existingId = existingId;
        }
    }

    /** The database failed: the caller rolls back and rethrows, for a retry. */
    static final class Failed extends StoreHalt {
        private static final long serialVersionUID = 1L;
        final SQLException error;

        Failed(SQLException error) {
            super(error.getMessage(), error);
            this.error = error;
        }
    }

    /** The report cannot be stored as data: it is rejected (kept raw) instead. */
    static final class Unstorable extends StoreHalt {
        private static final long serialVersionUID = 1L;
        final ReportParseException.Problem problem;

        Unstorable(ReportParseException.Problem problem, String reason, Throwable cause) {
            super(reason, cause);
            this.problem = problem;
        }

        ReportParseException toParseException() {
            return new ReportParseException(problem, getMessage(), getCause());
        }
    }

    /** A database error as a halt: data errors make the report unstorable, others are failures to retry. */
    static StoreHalt of(SQLException error, String what) {
        if (SqlErrors.isDataError(error)) {
            return new Unstorable(SqlErrors.isTooLong(error) ? ReportParseException.Problem.LIMIT_EXCEEDED
                : ReportParseException.Problem.NOT_A_REPORT, "cannot store " + what + ": " + error.getMessage(), error);
        }
        return new Failed(error);
    }
}
