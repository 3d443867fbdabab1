package io.jamesdmarc.cli.importing;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The line {@code dmarc import} keeps up to date on a terminal, redrawn in place four times a
 * second: a bar of files done, then reports, records and their rate, and failures.
 *
 * <pre>
 * [########............]  41/96 files  77 reports  12,345 records  8,900 records/s  2 failed
 * </pre>
 */
public final class ProgressBar implements AutoCloseable {

    private static final int BAR_WIDTH = 20;
    private static final long REDRAW_MILLIS = 250;

    private final PrintWriter err;
    private final ImportRun run;
    private final LongSupplier recordsRead;
    private final int columns;
    private final ScheduledExecutorService redraw;
    private int drawn;

    /**
     * @param recordsRead records read so far, stored or not yet (a large report shows its progress while it is stored)
     * @param columns the terminal's width
     */
    public ProgressBar(PrintWriter err, ImportRun run, LongSupplier recordsRead, int columns) {
        this.err = err;
        this.run = run;
        this.recordsRead = recordsRead;
        this.columns = Math.max(40, columns);
        this.redraw = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dmarc import progress");
            thread.setDaemon(true);
            return thread;
        });
        redraw.scheduleAtFixedRate(this::draw, 0, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The terminal's width: $COLUMNS, else 80. */
    public static int terminalColumns() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").strip());
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    private synchronized void draw() {
        String line = line(run.totals(), recordsRead.getAsLong(), columns);
        err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        err.flush();
        drawn = line.length();
    }

    /** The progress line for these totals, at most {@code columns - 1} characters. */
    static String line(ImportRun.Totals totals, long recordsRead, int columns) {
        int filled = totals.files() == 0 ? BAR_WIDTH : (int) ((long) BAR_WIDTH * totals.filesDone() / totals.files());
        double seconds = Math.max(totals.elapsed().toNanos() / 1e9, 1e-3);
        String text = String.format(Locale.ROOT, "[%s%s] %,d/%,d files  %,d reports  %,d records  %,.0f records/s%s",
            "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), totals.filesDone(), totals.files(), totals.imported() + totals.duplicates(),
            recordsRead, recordsRead / seconds, totals.failedInputs() == 0 ? "" : String.format(Locale.ROOT, "  %,d failed", totals.failedInputs()));
        return text.length() < columns ? text : text.substring(0, columns - 1);
    }

    /** Stops redrawing and clears the line, leaving the terminal as it was. */
    @Override
    public void close() {
        redraw.shutdownNow();
        try {
            redraw.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            err.print("\r" + " ".repeat(drawn) + "\r");
            err.flush();
        }
    }
}
