package io.jamesdmarc.storage.outbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.aggregate.ParsedAggregateReport;

/** A {@link ReportSender} that keeps what it is given, and fails the first {@code failures} sends. */
final class CollectingSender implements ReportSender {
    final List<OutgoingReport> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures;

    CollectingSender() {
        this(0);
    }

    CollectingSender(int failures) {
        this.failures = new AtomicInteger(failures);
    }

    @Override
    public void send(OutgoingReport report) throws Exception {
        if (failures.getAndDecrement() > 0) {
            throw new IOException("the relay refused the mail (test)");
        }
        sent.add(report);
    }

    static byte[] xml(OutgoingReport report) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(report.part().gzip()))) {
            return in.readAllBytes();
        }
    }

    static ParsedAggregateReport parsed(OutgoingReport report) throws Exception {
        return AggregateReportReader.withDefaultLimits().readAll(ByteSource.wrap(xml(report)));
    }
}
