package io.jamesdmarc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.jamesdmarc.cli.importing.ImportRun;
import io.jamesdmarc.cli.importing.ImportSummary;
import io.jamesdmarc.cli.importing.Importer;
import io.jamesdmarc.cli.importing.InputOutcome;
import io.jamesdmarc.cli.importing.ProgressBar;
import io.jamesdmarc.cli.inputs.Input;
import io.jamesdmarc.cli.inputs.InputFile;
import io.jamesdmarc.cli.inputs.InputFinder;
import io.jamesdmarc.cli.inputs.IoProblems;
import io.jamesdmarc.model.unpack.ReportExtractor;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dmarc import PATH...}: stores the reports of files, folders, mbox files and Maildir
 * folders in the DMARC database, each report once, keeping what cannot be read.
 */
@Command(name = "import",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Stores the DMARC reports found in files, folders (recursively), mbox files (detected by their 'From ' lines) and "
            + "Maildir folders (cur/ and new/) in the DMARC database: a MariaDB server (--db), else the embedded one.",
        "",
        "Each report is stored once, however often it is imported: a report stored before is counted as a duplicate, not "
            + "an error, and importing the same files again stores nothing new. A file (or message) that holds no readable "
            + "report never stops the import: its bytes and the reason are kept in the database (table rejected_inputs) and "
            + "it is listed as failed. A database failure part-way is retried; what still fails is listed, and running the "
            + "same command again completes the import.",
        "",
        "On a terminal a progress bar shows files, reports, records and their rate. At the end a summary says what was "
            + "imported, the duplicates, each failed input with its reason, the records imported, the time and records/s; "
            + "--json prints it as one JSON object: {\"inputs\", \"imported\", \"aggregate_reports\", \"failure_reports\", "
            + "\"duplicates\", \"failed\", \"records_imported\", \"elapsed_seconds\", \"records_per_second\", \"not_imported\", "
            + "\"failures\": [{\"file\", \"location\", \"problem\", \"reason\", \"kept\": \"now\"|\"before\"|\"no\"}]}.",
        ""},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:every input was imported (or was stored before)",
        "1:some inputs failed (listed in the summary)",
        "2:invalid command line",
        "3:the database cannot be reached or started, or kept failing (run again to complete)"})
public final class ImportCommand implements Callable<Integer> {

    /** Waits before each retry of an input the database failed to take: a restarting server gets some seconds. */
    static final List<Duration> RETRY_DELAYS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(3));
    /** Inputs in a row the database failed to take, after retries, before the import stops. */
    static final int MAX_DATABASE_FAILURES_IN_A_ROW = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files, folders, mbox files or Maildir folders.")
    List<Path> paths;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N", description = "Inputs imported at once. Default: ${DEFAULT-VALUE}.")
    int threads = 2;

    @Mixin
    DatabaseOptions database;

    @Mixin
    ParseLimitOptions limits;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be between 1 and 64, was " + threads);
        }
        ReportExtractor extractor = new ReportExtractor(limits.limits(spec.commandLine()));
        List<InputFile> files = InputFinder.find(paths);
        try (DatabaseOptions.DatabaseHandle handle = database.open(threads + 1)) {
            Importer importer = new Importer(handle.database().reportStore(), extractor, Clock.systemUTC(), RETRY_DELAYS);
            ImportRun run = new ImportRun(files.size());
            boolean stopped;
            try (ProgressBar bar = Terminal.interactive() && !json
                ? new ProgressBar(spec.commandLine().getErr(), run, importer::recordsRead, ProgressBar.terminalColumns()) : null) {
                stopped = importAll(files, importer, run);
            }
            ImportRun.Totals totals = run.totals();
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? ImportSummary.json(totals) + System.lineSeparator() : ImportSummary.text(totals));
            out.flush();
            if (stopped) {
                return DmarcCommand.EXIT_DATABASE_UNAVAILABLE;
            }
            return totals.failedInputs() == 0 ? 0 : 1;
        }
    }

    /** Imports every file with {@link #threads} workers; whether it stopped because the database kept failing. */
    private boolean importAll(List<InputFile> files, Importer importer, ImportRun run) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger databaseFailuresInARow = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> crashes = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < Math.min(threads, Math.max(1, files.size())); i++) {
            Thread worker = new Thread(() -> {
                try {
                    for (int index = next.getAndIncrement(); index < files.size() && !stop.get(); index = next.getAndIncrement()) {
                        importFile(index, files.get(index), importer, run, databaseFailuresInARow, stop);
                        run.fileDone();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    stop.set(true);
                    crashes.add(e);
                }
            }, "dmarc import " + (i + 1));
            workers.add(worker);
            worker.start();
        }
        try {
            for (Thread worker : workers) {
                worker.join();
            }
        } catch (InterruptedException e) {
            stop.set(true);
            workers.forEach(Thread::interrupt);
            throw e;
        }
        if (!crashes.isEmpty()) {
            IllegalStateException crash = new IllegalStateException("dmarc import failed: " + crashes.get(0), crashes.get(0));
            crashes.subList(1, crashes.size()).forEach(crash::addSuppressed);
            throw crash;
        }
        int untouched = Math.max(0, files.size() - Math.min(next.get(), files.size()));
        run.notImported(untouched);
        return stop.get();
    }

    private static void importFile(int index, InputFile file, Importer importer, ImportRun run, AtomicInteger databaseFailuresInARow,
                                   AtomicBoolean stop) throws InterruptedException {
        List<Input> inputs;
        try {
            inputs = file.open();
        } catch (IOException e) {
            run.add(index, 0, new InputOutcome(file.name(), 0, 0, 0, 0, List.of(new InputOutcome.Failure(file.name(), Optional.empty(),
                Importer.UNREADABLE_FILE, "cannot read " + file.name() + ": " + IoProblems.describe(e), InputOutcome.Kept.NO))));
            return;
        }
        for (int i = 0; i < inputs.size(); i++) {
            InputOutcome outcome = importer.importInput(inputs.get(i));
            run.add(index, i, outcome);
            if (!outcome.databaseFailed()) {
                databaseFailuresInARow.set(0);
            } else if (databaseFailuresInARow.incrementAndGet() >= MAX_DATABASE_FAILURES_IN_A_ROW) {
                stop.set(true);
                return;
            }
        }
    }
}
