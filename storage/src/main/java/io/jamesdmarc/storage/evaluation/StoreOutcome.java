package io.jamesdmarc.storage.evaluation;

import java.util.List;

import io.jamesdmarc.model.evaluation.record.EvaluationRecord;

/**
 * What {@link EvaluationRepository#store} did with a batch.
 *
 * @param stored records written now
 * @param duplicates records whose id was stored before (a replay), or given twice in the batch: left as they were
 * @param unstorable records the schema cannot hold, each with the reason: not stored, the rest of the batch was
 */
public record StoreOutcome(int stored, int duplicates, List<Unstorable> unstorable) {

    public StoreOutcome {
        unstorable = List.copyOf(unstorable);
    }

    /** A record the database refused as data (a value too long for its column, a time outside years 1000-9999). */
    public record Unstorable(EvaluationRecord record, String reason) {
    }
}
