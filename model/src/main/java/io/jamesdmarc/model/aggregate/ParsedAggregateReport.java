package io.jamesdmarc.model.aggregate;

import java.util.List;
import java.util.Objects;

/** A whole aggregate report in memory: for small reports and tests (large ones are streamed, see {@link AggregateReportReader#read}). */
public record ParsedAggregateReport(AggregateReadSummary summary, List<ReportRecord> records) {
    public ParsedAggregateReport {
        Objects.requireNonNull(summary, "summary");
        records = List.copyOf(records);
    }

    public AggregateReport report() {
        return summary.report();
    }
}
