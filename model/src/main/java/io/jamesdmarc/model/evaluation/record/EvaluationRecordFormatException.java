package io.jamesdmarc.model.evaluation.record;

/** A spooled line that is not an evaluation record this version can read: the line is kept, never dropped. */
public final class EvaluationRecordFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public EvaluationRecordFormatException(String message) {
        super(message);
    }

    public EvaluationRecordFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
