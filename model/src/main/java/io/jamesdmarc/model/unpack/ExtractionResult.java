package io.jamesdmarc.model.unpack;

import java.util.List;
import java.util.Objects;

import io.jamesdmarc.model.ReportParseException;

/**
 * What one {@code extract} call found: at least one report (with none, {@code extract} throws).
 *
 * @param aggregateReports aggregate reports handed to the sink and read without error (or not read by it)
 * @param failureReports   failure reports handed to the sink
 * @param unreadable       parts that held, or claimed to hold, a report but could not be read
 * @param warnings         what the decoding tolerated, each saying where (e.g. bytes after a gzip stream);
 *                         an aggregate report's own share is also among its summary's warnings
 */
public record ExtractionResult(int aggregateReports, int failureReports, List<UnreadablePart> unreadable,
                               List<String> warnings) {

    /** A part that could not be read, and why. */
    public record UnreadablePart(String location, ReportParseException problem) {
        public UnreadablePart {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(problem, "problem");
        }

        @Override
        public String toString() {
            return location + ": " + problem.getMessage();
        }
    }

    public ExtractionResult {
        unreadable = List.copyOf(unreadable);
        warnings = List.copyOf(warnings);
    }

    public int reports() {
        return aggregateReports + failureReports;
    }
}
