package io.jamesdmarc.model.aggregate;

import java.util.function.Consumer;

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

    /**
     * This source, with {@code onHeader} and {@code onRecord} told of the header and of each record
     * as they pass to the handler (before it gets them: a handler that stops at
     * the header, as a store does with a duplicate, still has it observed): for progress counts and log labels.
     */
    default AggregateReportSource observed(Consumer<AggregateReport> onHeader, Consumer<ReportRecord> onRecord) {
        AggregateReportSource source = this;
        return new AggregateReportSource() {
            @Override
            public String location() {
                return source.location();
            }

            @Override
            public <X extends Exception> AggregateReadSummary read(AggregateReportHandler<X> handler) throws ReportParseException, X {
                return source.read(new AggregateReportHandler<X>() {
                    @Override
                    public void header(AggregateReport report) throws X {
                        onHeader.accept(report);
                        handler.header(report);
                    }

                    @Override
                    public void record(ReportRecord record) throws X {
                        onRecord.accept(record);
                        handler.record(record);
                    }
                });
            }
        };
    }
}
