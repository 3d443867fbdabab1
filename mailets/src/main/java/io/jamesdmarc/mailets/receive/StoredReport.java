package io.jamesdmarc.mailets.receive;

import java.util.Objects;

import io.jamesdmarc.storage.ingest.IngestOutcome;

/**
 * One report a mail carried, once handed to the store.
 *
 * @param label the report to a person: {@code aggregate report '123' from google.com for example.com}
 */
public record StoredReport(String label, IngestOutcome outcome) {
    public StoredReport {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public String toString() {
        return label + (outcome.duplicate() ? ": duplicate of #" + outcome.id()
            : ": stored as #" + outcome.id() + (outcome.kind() == IngestOutcome.Kind.AGGREGATE_REPORT
                ? " (" + outcome.records() + (outcome.records() == 1 ? " record)" : " records)") : ""));
    }
}
