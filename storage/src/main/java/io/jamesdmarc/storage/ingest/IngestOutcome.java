package io.jamesdmarc.storage.ingest;

import java.util.Objects;

/**
 * What storing one report (or one rejected input) did.
 *
 * @param status stored now, or stored before (a re-send, another copy)
 * @param id the row id of the report (new or existing) or of the rejected input
 * @param records records stored for an aggregate report; 0 otherwise and for duplicates
 * @param description what it was, for logs and the {@code dmarc import} summary
 */
public record IngestOutcome(Status status, Kind kind, long id, long records, String description) {

    public enum Status {
        /** Written now. */
        STORED,
        /** Already stored (same deduplication key): nothing written but the link from the message. */
        DUPLICATE
    }

    public enum Kind {
        AGGREGATE_REPORT,
        FAILURE_REPORT,
        REJECTED_INPUT
    }

    public IngestOutcome {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
    }

    public boolean duplicate() {
        return status == Status.DUPLICATE;
    }
}
