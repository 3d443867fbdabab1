package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReport;
import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.storage.ingest.ReceivedMessage;
import io.jamesdmarc.storage.ingest.ReportStore;

/**
 * Reports to load into a test database, for tests that check stored figures against figures
 * computed in Java from the same model objects. {@link GeneratedDataSet} makes them up; a corpus
 * data set (parsed real reports) can take its place.
 */
public interface ReportDataSet {

    /** For test names and failure messages. */
    String describe();

    /** Stores every delivery through {@code store}, in order, and says what was delivered. */
    Delivered load(ReportStore store) throws Exception;

    /** An aggregate report as delivered in a message (re-sends included: the same report may come twice). */
    record AggregateDelivery(ReceivedMessage message, AggregateReport header, List<ReportRecord> records) {
        public AggregateDelivery {
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(header, "header");
            records = List.copyOf(records);
        }
    }

    record FailureDelivery(ReceivedMessage message, FailureReport report) {
    }

    /** An input that was rejected; {@code storedAt} brackets when (the database stamps the exact time). */
    record RejectedDelivery(ReceivedMessage message, String location, int size, ReportParseException.Problem problem, String reason,
                            Instant storedAfter, Instant storedBefore) {
    }

    /** Everything delivered, in delivery order. */
    record Delivered(List<AggregateDelivery> aggregates, List<FailureDelivery> failures, List<RejectedDelivery> rejected) {
        public Delivered {
            aggregates = List.copyOf(aggregates);
            failures = List.copyOf(failures);
            rejected = List.copyOf(rejected);
        }
    }
}
