package io.jamesdmarc.model.unpack;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.failure.FailureReport;

/**
 * Receives what {@link ReportExtractor} finds in one input, as it finds it.
 *
 * <p>Whatever the sink throws as {@code X} (say {@code SQLException}) stops the extraction and comes
 * out of {@code extract} unchanged, so a failing store is never taken for a bad report. {@code X}
 * should therefore not be a {@link ReportParseException}.
 *
 * @param <X> what the sink may throw
 */
public interface ReportSink<X extends Exception> {

    /**
     * An aggregate report was found. Read it during this call, once: it streams from the input
     * (storage wraps the read in its transaction) and cannot be read after the call returns.
     * When reading fails, the report counts as unreadable and its problem also goes to
     * {@link #unreadable}; letting the {@link ReportParseException} out of this method is fine.
     */
    void aggregate(AggregateReportSource report) throws ReportParseException, X;

    /**
     * A failure report was found (small, so given whole).
     *
     * @param location where, e.g. {@code message (multipart/report)}
     */
    void failure(FailureReport report, String location) throws X;

    /**
     * A part that holds, or claims to hold, a report could not be read: a corrupt archive, a
     * breached limit, a report the reader rejected. Parts that are plainly no report (a text
     * body, a logo) are not passed here. Called before {@code extract} returns or throws.
     *
     * @param location where, e.g. {@code part 2 (application/zip "x.zip") > zip member "a.xml"}
     */
    default void unreadable(String location, ReportParseException problem) throws X {
    }
}
