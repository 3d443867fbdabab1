package io.jamesdmarc.model.aggregate;

/**
 * Receives an aggregate report as it is read: {@link #header} once, before any record, then each
 * record in document order. Memory stays flat whatever the number of records.
 *
 * <p>When reading fails part-way the reader throws after some records were handed over: a
 * consumer that stores them must treat the report as a unit (one transaction). What the handler
 * throws ({@code X}, e.g. {@code SQLException}) comes out of the reader unchanged, so a failing
 * store is never mistaken for a bad report.
 *
 * @param <X> what the handler may throw
 */
public interface AggregateReportHandler<X extends Exception> {

    void header(AggregateReport report) throws X;

    void record(ReportRecord record) throws X;
}
