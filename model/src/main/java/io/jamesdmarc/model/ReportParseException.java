package io.jamesdmarc.model;

import java.util.Objects;

/**
 * An input that is not a readable DMARC report. The message says what is wrong and where
 * (line and column, MIME part, archive member), in words an operator can act on.
 */
public class ReportParseException extends Exception {

    /** What kind of problem: storage keeps it next to the raw input. */
    public enum Problem {
        /** Zero bytes, or only whitespace. */
        EMPTY_INPUT,
        /** Not XML, or XML that is not well-formed. */
        MALFORMED_XML,
        /** Well-formed XML that is not a DMARC report, or lacks what every report has. */
        NOT_A_REPORT,
        /** A gzip, zip, zlib or base64 container that cannot be decoded. */
        CORRUPT_CONTAINER,
        /** An e-mail with no part that holds a report. */
        NO_REPORT_FOUND,
        /** One of the {@link ParseLimits} was breached (see {@link LimitExceededException}). */
        LIMIT_EXCEEDED
    }

    private static final long serialVersionUID = 1L;

    private final Problem problem;

    public ReportParseException(Problem problem, String message) {
        super(message);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public ReportParseException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public Problem problem() {
        return problem;
    }
}
