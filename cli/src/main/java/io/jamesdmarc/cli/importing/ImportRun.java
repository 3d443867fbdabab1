package io.jamesdmarc.cli.importing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The running totals of one {@code dmarc import}: inputs done, reports stored and found stored
 * before, records, failures. Thread-safe: the import's workers add to it, the progress bar reads it.
 */
public final class ImportRun {

    /** The totals at one moment. */
    public record Totals(int filesDone, int files, int inputs, int aggregateReports, int failureReports, int duplicates, long records,
                         int failedInputs, List<InputOutcome.Failure> failures, int notImported, Duration elapsed) {

        public int imported() {
            return aggregateReports + failureReports;
        }

        public double recordsPerSecond() {
            double seconds = elapsed.toNanos() / 1e9;
            return seconds <= 0 ? 0 : records / seconds;
        }
    }

    private final int files;
    private final long started = System.nanoTime();
    private int filesDone;
    private int inputs;
    private int aggregateReports;
    private int failureReports;
    private int duplicates;
    private long records;
    private int failedInputs;
    private int notImported;
    /** Failures with where their input came in the command line's order: workers finish in any order, the summary lists them in order. */
    private final List<Placed> failures = new ArrayList<>();

    private record Placed(int file, int input, InputOutcome.Failure failure) {
    }

    public ImportRun(int files) {
        this.files = files;
    }

    /**
     * @param file the input's file, numbered in the order files were found
     * @param input the input's number in its file (an mbox holds several)
     */
    public synchronized void add(int file, int input, InputOutcome outcome) {
        inputs++;
        aggregateReports += outcome.aggregateReports();
        failureReports += outcome.failureReports();
        duplicates += outcome.duplicates();
        records += outcome.records();
        if (outcome.failed()) {
            failedInputs++;
            outcome.failures().forEach(failure -> failures.add(new Placed(file, input, failure)));
        }
    }

    /** A file (with all its messages) is done. */
    public synchronized void fileDone() {
        filesDone++;
    }

    /** Files left untouched because the import stopped. */
    public synchronized void notImported(int count) {
        notImported += count;
    }

    public synchronized Totals totals() {
        List<InputOutcome.Failure> inOrder = failures.stream()
            .sorted(Comparator.comparingInt(Placed::file).thenComparingInt(Placed::input)).map(Placed::failure).toList();
        return new Totals(filesDone, files, inputs, aggregateReports, failureReports, duplicates, records, failedInputs, inOrder,
            notImported, Duration.ofNanos(System.nanoTime() - started));
    }
}
