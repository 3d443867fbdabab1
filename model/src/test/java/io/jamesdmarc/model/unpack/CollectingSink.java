package io.jamesdmarc.model.unpack;

import java.util.ArrayList;
import java.util.List;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;

/** A sink that reads every aggregate report as storage would (streaming, once) and keeps what it saw. */
final class CollectingSink implements ReportSink<RuntimeException> {

    record Aggregate(String location, AggregateReadSummary summary, List<ReportRecord> records) {
    }

    record Failure(String location, FailureReport report) {
    }

    record Unreadable(String location, ReportParseException problem) {
    }

    final List<Aggregate> aggregates = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();
    final List<Unreadable> unreadable = new ArrayList<>();

    @Override
    public void aggregate(AggregateReportSource report) throws ReportParseException {
        List<ReportRecord> records = new ArrayList<>();
        AggregateReadSummary summary = report.read(new AggregateReportHandler<RuntimeException>() {
            @Override
            public void header(AggregateReport header) {
            }

            @Override
            public void record(ReportRecord record) {
                records.add(record);
            }
        });
        aggregates.add(new Aggregate(report.location(), summary, records));
    }

    @Override
    public void failure(FailureReport report, String location) {
        failures.add(new Failure(location, report));
    }

    @Override
    public void unreadable(String location, ReportParseException problem) {
        unreadable.add(new Unreadable(location, problem));
    }

    List<String> reportIds() {
        return aggregates.stream().map(a -> a.summary().report().metadata().reportId()).toList();
    }
}
