package io.jamesdmarc.cli.importing;

import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What {@code dmarc import} says at the end: in words, or as one JSON object ({@code --json}). */
public final class ImportSummary {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private ImportSummary() {
    }

    /**
     * <pre>
     * {"inputs", "imported", "aggregate_reports", "failure_reports", "duplicates", "failed", "records_imported",
     *  "elapsed_seconds", "records_per_second", "not_imported",
     *  "failures": [{"file", "location", "problem", "reason", "kept"}]}
     * </pre>
     */
    public static String json(ImportRun.Totals totals) {
        ObjectNode summary = JSON.createObjectNode();
        summary.put("inputs", totals.inputs());
        summary.put("imported", totals.imported());
        summary.put("aggregate_reports", totals.aggregateReports());
        summary.put("failure_reports", totals.failureReports());
        summary.put("duplicates", totals.duplicates());
        summary.put("failed", totals.failedInputs());
        summary.put("records_imported", totals.records());
        summary.put("elapsed_seconds", Math.round(totals.elapsed().toNanos() / 1e6) / 1e3);
        summary.put("records_per_second", Math.round(totals.recordsPerSecond()));
        summary.put("not_imported", totals.notImported());
        ArrayNode failures = summary.putArray("failures");
        for (InputOutcome.Failure failure : totals.failures()) {
            ObjectNode entry = failures.addObject();
            entry.put("file", failure.file());
            entry.put("location", failure.location().orElse(null));
            entry.put("problem", failure.problem());
            entry.put("reason", failure.reason());
            entry.put("kept", failure.kept().name().toLowerCase(Locale.ROOT));
        }
        try {
            return JSON.writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** The summary in words, a few lines, then each failure on a line of its own. */
    public static String text(ImportRun.Totals totals) {
        StringBuilder text = new StringBuilder();
        String from = String.format(Locale.ROOT, "from %,d input%s in %.1f s", totals.inputs(), totals.inputs() == 1 ? "" : "s",
            totals.elapsed().toNanos() / 1e9);
        if (totals.imported() == 0 && totals.duplicates() > 0) {
            text.append(String.format(Locale.ROOT, "Nothing new: the %,d report%s found %s stored before (duplicates), %s.%n",
                totals.duplicates(), totals.duplicates() == 1 ? "" : "s", totals.duplicates() == 1 ? "was" : "were all", from));
        } else {
            text.append(String.format(Locale.ROOT, "Imported %,d new report%s (%,d aggregate with %,d records, %,d failure) %s: %,.0f records/s.%n",
                totals.imported(), totals.imported() == 1 ? "" : "s", totals.aggregateReports(), totals.records(), totals.failureReports(),
                from, totals.recordsPerSecond()));
            if (totals.duplicates() > 0) {
                text.append(String.format(Locale.ROOT, "Duplicates: %,d report%s stored before, not stored again.%n", totals.duplicates(),
                    totals.duplicates() == 1 ? "" : "s"));
            }
        }
        if (totals.failedInputs() > 0) {
            text.append(String.format(Locale.ROOT, "Failed: %,d input%s (bytes and reason kept in the database, table rejected_inputs, "
                + "unless said otherwise):%n", totals.failedInputs(), totals.failedInputs() == 1 ? "" : "s"));
            for (InputOutcome.Failure failure : totals.failures()) {
                text.append("  ").append(failure.file());
                failure.location().ifPresent(location -> text.append(" [").append(location).append(']'));
                text.append(": ").append(failure.problem()).append(": ").append(failure.reason().replaceAll("\\s*\\R\\s*", " "));
                switch (failure.kept()) {
                    case NOW -> { }
                    case BEFORE -> text.append(" (kept by an earlier import)");
                    case NO -> text.append(" (not kept)");
                }
                text.append(System.lineSeparator());
            }
        }
        if (totals.notImported() > 0) {
            text.append(String.format(Locale.ROOT, "Stopped: the database kept failing; %,d file%s not imported. Run the same command again "
                + "to complete the import (what is stored is found stored, nothing twice).%n", totals.notImported(),
                totals.notImported() == 1 ? "" : "s"));
        }
        return text.toString();
    }
}
