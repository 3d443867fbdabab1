package io.jamesdmarc.model;

import java.util.Objects;

/** An input breached one of the {@link ParseLimits}; the message names the limit and its value. */
public class LimitExceededException extends ReportParseException {

    private static final long serialVersionUID = 1L;

    private final Limit limit;

    public LimitExceededException(Limit limit, long value, String where) {
        super(Problem.LIMIT_EXCEEDED,
            "limit " + limit.key() + "=" + value + " exceeded" + (where == null || where.isEmpty() ? "" : " in " + where));
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    public Limit limit() {
        return limit;
    }
}
