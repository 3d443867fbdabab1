package io.jamesdmarc.cli.importing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What importing one input (a file, or a message of a mailbox) did.
 *
 * @param aggregateReports aggregate reports stored now
 * @param failureReports failure reports stored now
 * @param duplicates reports found stored before
 * @param records records of the aggregate reports stored now
 * @param failures what could not be read or stored, with why (empty when everything was)
 */
public record InputOutcome(String name, int aggregateReports, int failureReports, int duplicates, long records, List<Failure> failures) {

    /** What the store did with the bytes of a failed input. */
    public enum Kept {
        /** Kept now in rejected_inputs. */
        NOW,
        /** Kept by an earlier import of the same input. */
        BEFORE,
        /** Not kept: it could not be read, or the database failed. */
        NO
    }

    /**
     * Something of the input that could not be read or stored.
     *
     * @param location the part (absent: the input as a whole)
     * @param problem {@code ReportParseException.Problem} name, {@code UNREADABLE_FILE} or {@code DATABASE_ERROR}
     */
    public record Failure(String file, Optional<String> location, String problem, String reason, Kept kept) {
        public Failure {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(kept, "kept");
        }
    }

    public InputOutcome {
        Objects.requireNonNull(name, "name");
        failures = List.copyOf(failures);
    }

    public boolean failed() {
        return !failures.isEmpty();
    }

    /** Nothing of the input could be used because the database failed: another run would complete it. */
    public boolean databaseFailed() {
        return failures.stream().anyMatch(failure -> failure.problem().equals(Importer.DATABASE_ERROR));
    }
}
