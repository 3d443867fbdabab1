package io.jamesdmarc.model.aggregate;

import io.jamesdmarc.model.ReportParseException;

/**
 * An aggregate report found somewhere (a file, a mail attachment, a zip member), not yet read.
 * Reading streams it into a handler, so whoever stores it decides the transaction around it.
 */
public interface AggregateReportSource {

    /** Where the report was found, for logs and errors, e.g. {@code part 2 (application/gzip "x.xml.gz") > gzip}. */
    String location();

    /**
     * Reads the report: {@code handler.header} once, then every record in order.
     *
     * @throws ReportParseException the bytes are not a readable report (the message says where and what)
     * @throws X whatever the handler threw, unchanged
     */
    <X extends Exception> AggregateReadSummary read(AggregateReportHandler<X> handler) throws ReportParseException, X;
}
