package io.jamesdmarc.storage.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReadSummary;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.AggregateReportHandler;
import io.jamesdmarc.model.aggregate.AggregateReportSource;
import io.jamesdmarc.model.aggregate.ReportRecord;

/**
 * An aggregate report held in memory or generated record by record (200,000 records without the
 * memory), that can fail part-way like a truncated file does. Readable any number of times.
 */
public final class TestReportSource implements AggregateReportSource {

    /** Runs in the reading thread before record {@code n} (1-based) is handed over: to disturb a store mid-way. */
    public interface BeforeRecord {
        void run(int n) throws Exception;
    }

    private final AggregateReport header;
    private final int count;
    private final IntFunction<ReportRecord> records;
    private final int failBefore;
    private final BeforeRecord beforeRecord;
    private final List<String> warnings;

    private TestReportSource(AggregateReport header, int count, IntFunction<ReportRecord> records, int failBefore,
                             BeforeRecord beforeRecord, List<String> warnings) {
        this.header = Objects.requireNonNull(header, "header");
        this.count = count;
        this.records = records;
        this.failBefore = failBefore;
        this.beforeRecord = beforeRecord;
        this.warnings = List.copyOf(warnings);
    }

    public static TestReportSource of(AggregateReport header, List<ReportRecord> records) {
        List<ReportRecord> copy = List.copyOf(records);
        return new TestReportSource(header, copy.size(), i -> copy.get(i - 1), 0, n -> { }, List.of());
    }

    /** {@code count} records, record {@code n} (1-based) made by {@code records} when read. */
    public static TestReportSource generated(AggregateReport header, int count, IntFunction<ReportRecord> records) {
        return new TestReportSource(header, count, records, 0, n -> { }, List.of());
    }

    /** This report, failing with a MALFORMED_XML parse error before record {@code n} (after handing over n - 1). */
    public TestReportSource failingBefore(int n) {
        return new TestReportSource(header, count, records, n, beforeRecord, warnings);
    }

    public TestReportSource beforeRecord(BeforeRecord action) {
        return new TestReportSource(header, count, records, failBefore, action, warnings);
    }

    public TestReportSource withWarnings(List<String> readerWarnings) {
        return new TestReportSource(header, count, records, failBefore, beforeRecord, readerWarnings);
    }

    public AggregateReport header() {
        return header;
    }

    /** Every record, in order (for small reports). */
    public List<ReportRecord> records() {
        List<ReportRecord> all = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            all.add(records.apply(i));
        }
        return all;
    }

    @Override
    public String location() {
        return "test source '" + header.metadata().reportId() + "'";
    }

    @Override
    public <X extends Exception> AggregateReadSummary read(AggregateReportHandler<X> handler) throws ReportParseException, X {
        handler.header(header);
        long countSum = 0;
        long pass = 0;
        for (int n = 1; n <= count; n++) {
            if (n == failBefore) {
                throw new ReportParseException(ReportParseException.Problem.MALFORMED_XML,
                    "line " + (10 + n * 20) + ", column 3: unexpected end of document in record " + n);
            }
            try {
                beforeRecord.run(n);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            ReportRecord record = records.apply(n);
            countSum += record.count();
            if (record.policyEvaluated().dmarcPass()) {
                pass += record.count();
            }
            handler.record(record);
        }
        return new AggregateReadSummary(header, count, countSum, pass, warnings);
    }
}
