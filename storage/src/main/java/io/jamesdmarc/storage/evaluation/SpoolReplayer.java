package io.jamesdmarc.storage.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.EvaluationRecordCodec;
import io.jamesdmarc.model.evaluation.record.EvaluationRecordFormatException;

/**
 * Puts spooled evaluations into the database: each sealed spool file, oldest first, in batches; a
 * file is deleted only once all its records are committed (a replayed id is stored once, so a file
 * replayed twice after a crash does no harm). Unreadable lines are skipped, logged, and the file is
 * kept aside instead of deleted. Where the database fails part-way, the next attempt resumes after
 * the last committed batch. Used from one thread.
 */
final class SpoolReplayer {

    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolReplayer.class);
    /** Unreadable lines named one by one per file; beyond, they are counted (a file of garbage must not fill the heap). */
    static final int MAX_PROBLEMS_NAMED = 1000;
    /** Unreadable lines logged one by one per file; the file's summary gives the count. */
    private static final int MAX_PROBLEMS_LOGGED = 10;

    /** How far a file got in an earlier attempt of this process. */
    private record Progress(long offset, long lineNo, List<Problem> problems, long problemCount) {
    }

    /** An unreadable line. */
    private record Problem(long line, String reason) {
        @Override
        public String toString() {
            return "line " + line + ": " + reason;
        }
    }

    private final EvaluationSpool spool;
    private final int batchSize;
    private final UnstorableKeeper keeper;
    private final IntConsumer replayed;
    private final IntConsumer keptAside;
    private final Map<Path, Progress> progress = new HashMap<>();

    /** Where records the database refuses as data go: the recorder keeps them aside and counts them. */
    interface UnstorableKeeper {
        void keep(List<StoreOutcome.Unstorable> unstorable, String where);
    }

    /**
     * @param replayed told of each batch of spooled evaluations now in the database
     * @param keptAside told of the unreadable lines of each file kept aside
     */
    SpoolReplayer(EvaluationSpool spool, int batchSize, UnstorableKeeper keeper, IntConsumer replayed, IntConsumer keptAside) {
        this.spool = spool;
        this.batchSize = batchSize;
        this.keeper = keeper;
        this.replayed = replayed;
        this.keptAside = keptAside;
    }

    /**
     * Replays every sealed file, telling the counters as it goes.
     *
     * @param stop asked between batches: true stops (the recorder is closing); files not finished stay
     * @throws SQLException the database failed: what was committed stays, the rest waits for the next attempt
     */
    void replay(EvaluationRepository repository, BooleanSupplier stop) throws SQLException, IOException {
        for (Path file : spool.sealedFiles()) {
            if (stop.getAsBoolean()) {
                return;
            }
            replayFile(file, repository, stop);
        }
    }

    private void replayFile(Path file, EvaluationRepository repository, BooleanSupplier stop) throws SQLException, IOException {
        Progress start = progress.getOrDefault(file, new Progress(0, 0, List.of(), 0));
        List<Problem> problems = new ArrayList<>(start.problems());
        long problemCount = start.problemCount();
        long lineNo = start.lineNo();
        long committedLine = lineNo;
        long committedOffset = start.offset();
        long committedProblems = problemCount;
        int stored = 0;
        List<EvaluationRecord> batch = new ArrayList<>(batchSize);
        try (EvaluationSpool.LineReader lines = EvaluationSpool.read(file, start.offset())) {
            EvaluationSpool.Line line;
            while ((line = lines.next()) != null) {
                lineNo++;
                String problem = null;
                if (line.text() == null) {
                    problem = "longer than " + EvaluationSpool.LineReader.MAX_LINE_BYTES + " bytes";
                } else if (!line.ascii()) {
                    problem = "holds bytes that are not ASCII";
                } else if (!line.text().isBlank()) {
                    try {
                        batch.add(EvaluationRecordCodec.fromLine(line.text()));
                    } catch (EvaluationRecordFormatException e) {
                        problem = (line.terminated() ? "" : "cut short (no line end: written when the process stopped?): ")
                            + e.getMessage();
                    }
                }
                if (problem != null && ++problemCount <= MAX_PROBLEMS_NAMED) {
                    problems.add(new Problem(lineNo, problem));
                    if (problemCount <= MAX_PROBLEMS_LOGGED) {
                        LOGGER.warn("DMARC evaluation spool file {}, line {}: not an evaluation record, skipped ({}); the file will be "
                            + "kept in {}/", file, lineNo, problem, EvaluationSpool.KEPT_ASIDE);
                    }
                }
                if (batch.size() >= batchSize) {
                    stored += store(repository, batch, file);
                    committedOffset = line.end();
                    committedLine = lineNo;
                    committedProblems = problemCount;
                    progress.put(file, new Progress(committedOffset, committedLine, List.copyOf(problems), problemCount));
                    if (stop.getAsBoolean()) {
                        return;
                    }
                }
            }
            stored += store(repository, batch, file);
        } catch (SQLException e) {
            // lines after the last committed batch are read again next time, their problems with them
            long upTo = committedLine;
            progress.put(file, new Progress(committedOffset, committedLine, problems.stream().filter(p -> p.line() <= upTo).toList(),
                committedProblems));
            throw e;
        }
        progress.remove(file);
        if (problemCount == 0) {
            spool.delete(file);
            LOGGER.info("DMARC evaluation spool file {} replayed: {} evaluations in the database", file.getFileName(), stored);
            return;
        }
        List<String> reasons = new ArrayList<>(problems.stream().map(Problem::toString).toList());
        if (problemCount > problems.size()) {
            reasons.add("... and " + (problemCount - problems.size()) + " more unreadable lines");
        }
        Path kept = spool.keepAsideFile(file, reasons);
        keptAside.accept((int) Math.min(Integer.MAX_VALUE, problemCount));
        LOGGER.error("DMARC evaluation spool file {} replayed: {} evaluations in the database, {} unreadable lines skipped; "
            + "the file is kept as {} with the reasons beside it", file.getFileName(), stored, problemCount, kept);
    }

    private int store(EvaluationRepository repository, List<EvaluationRecord> batch, Path file) throws SQLException {
        if (batch.isEmpty()) {
            return 0;
        }
        StoreOutcome outcome = repository.store(batch);
        if (!outcome.unstorable().isEmpty()) {
            keeper.keep(outcome.unstorable(), "spool file " + file.getFileName());
        }
        batch.clear();
        int inDatabase = outcome.stored() + outcome.duplicates();
        replayed.accept(inDatabase);
        return inDatabase;
    }
}
