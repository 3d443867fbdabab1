package io.jamesdmarc.storage.evaluation;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.EvaluationRecordCodec;

/**
 * The machinery behind {@link EvaluationRecorder}: a bounded queue, writer threads storing batches,
 * the spool for what the database cannot take now, and a replayer thread putting spooled evaluations
 * into the database once it is back.
 */
final class RecorderEngine {

    private static final Logger LOGGER = LoggerFactory.getLogger(EvaluationRecorder.class);
    /** How often an idle writer looks whether it should stop. */
    private static final long IDLE_POLL_MILLIS = 100;

    private final RecorderSettings settings;
    private final RepositorySource source;
    private final RecorderListener listener;
    private final EvaluationSpool spool;
    private final SpoolReplayer replayer;
    private final BlockingQueue<EvaluationRecord> queue;
    private final List<Thread> writers = new ArrayList<>();
    private final ScheduledExecutorService replayThread;
    private final Thread shutdownHook;

    /** record() holds it shared; close() exclusively, so that no record slips into the queue after the writer's last look. */
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile boolean stopWriter;
    /** Set when close() gave up waiting for the writers and spooled their work itself: they then touch nothing. */
    private boolean writersAbandoned;
    private final Object writerHandover = new Object();
    /** The batch each writer is storing. */
    private final Map<Thread, List<EvaluationRecord>> inFlight = new ConcurrentHashMap<>();

    private volatile boolean databaseAvailable = true;
    private final AtomicBoolean overflowing = new AtomicBoolean();
    private final LongAdder recorded = new LongAdder();
    private final LongAdder spooled = new LongAdder();
    private final LongAdder spilled = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder keptAside = new LongAdder();
    private final LongAdder dropped = new LongAdder();

    private RecorderEngine(RecorderSettings settings, RepositorySource source, RecorderListener listener, EvaluationSpool spool) {
        this.settings = settings;
        this.source = source;
        this.listener = listener;
        this.spool = spool;
        this.replayer = new SpoolReplayer(spool, settings.batchSize(), this::keepAside, count -> {
            replayed.add(count);
            notify(listener::replayed, count);
        }, count -> {
            keptAside.add(count);
            notify(listener::keptAside, count);
        });
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        for (int i = 1; i <= settings.writerThreads(); i++) {
            Thread writer = new Thread(this::runWriter, "james-dmarc-evaluation-writer-" + i);
            writer.setDaemon(true);
            writers.add(writer);
        }
        this.replayThread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "james-dmarc-evaluation-replayer");
            thread.setDaemon(true);
            return thread;
        });
        this.shutdownHook = new Thread(this::close, "james-dmarc-evaluation-recorder-shutdown");
    }

    /**
     * Opens the spool and starts the threads; spool files an earlier process left are replayed first.
     *
     * @throws IOException the spool directory cannot be used
     */
    static RecorderEngine start(RecorderSettings settings, RepositorySource source, RecorderListener listener) throws IOException {
        EvaluationSpool spool = EvaluationSpool.open(settings.spoolDirectory(), settings.spoolFileBytes());
        RecorderEngine engine = new RecorderEngine(settings, source, listener, spool);
        int waiting = spool.sealedFiles().size();
        engine.writers.forEach(Thread::start);
        engine.replayThread.scheduleWithFixedDelay(engine::replayTick, 0, settings.retryInterval().toMillis(), TimeUnit.MILLISECONDS);
        // a JVM stopped without closing the recorder still gets its queue onto the disk
        Runtime.getRuntime().addShutdownHook(engine.shutdownHook);
        LOGGER.info("DMARC evaluation recorder started for {}: spool {}{}, queue {}, batches of {} or {} ms, {} writers",
            source.description(), spool.directory(), waiting == 0 ? "" : " (" + waiting + " files left by an earlier run, replaying them)",
            settings.queueCapacity(), settings.batchSize(), settings.batchDelay().toMillis(), settings.writerThreads());
        return engine;
    }

    /** Queues the record; when the queue is full, spools it at once. Never blocks on the database, never throws. */
    void record(EvaluationRecord record) {
        closing.readLock().lock();
        try {
            if (closed) {
                drop(List.of(record), "the recorder is closed");
                return;
            }
            if (queue.offer(record)) {
                return;
            }
            if (overflowing.compareAndSet(false, true)) {
                LOGGER.warn("DMARC evaluation queue full ({} evaluations; the database is slow): new evaluations go to the spool {} "
                    + "until it drains", settings.queueCapacity(), spool.directory());
            }
            spilled.increment();
            toSpool(List.of(record));
        } finally {
            closing.readLock().unlock();
        }
    }

    RecorderStatistics statistics() {
        return new RecorderStatistics(recorded.sum(), spooled.sum(), spilled.sum(), replayed.sum(), keptAside.sum(), dropped.sum(),
            queue.size(), databaseAvailable);
    }

    // ---- the writer threads

    private void runWriter() {
        List<EvaluationRecord> batch = new ArrayList<>(settings.batchSize());
        try {
            while (true) {
                EvaluationRecord first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopWriter) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                fill(batch);
                inFlight.put(Thread.currentThread(), batch);
                write(batch);
                inFlight.remove(Thread.currentThread());
                batch = new ArrayList<>(settings.batchSize());
                if (overflowing.get() && queue.size() <= settings.queueCapacity() / 2 && overflowing.compareAndSet(true, false)) {
                    LOGGER.info("DMARC evaluation queue drained: {} evaluations spilled to the spool so far", spilled.sum());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOGGER.error("DMARC evaluation writer stopped by an unexpected error; evaluations now go to the spool", e);
        }
    }

    /** Adds queued records until the batch is full or its delay is over (at once when stopping). */
    private void fill(List<EvaluationRecord> batch) throws InterruptedException {
        long deadline = System.nanoTime() + settings.batchDelay().toNanos();
        while (batch.size() < settings.batchSize()) {
            queue.drainTo(batch, settings.batchSize() - batch.size());
            long wait = deadline - System.nanoTime();
            if (batch.size() >= settings.batchSize() || stopWriter || wait <= 0) {
                return;
            }
            // in slices, so that close() is not kept waiting for a long batch delay
            EvaluationRecord next = queue.poll(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MILLIS)), TimeUnit.NANOSECONDS);
            if (next != null) {
                batch.add(next);
            }
        }
    }

    private void write(List<EvaluationRecord> batch) {
        if (databaseAvailable) {
            try {
                StoreOutcome outcome = source.repository().store(batch);
                int stored = outcome.stored() + outcome.duplicates();
                recorded.add(stored);
                notify(listener::recorded, stored);
                if (!outcome.unstorable().isEmpty()) {
                    keepAside(outcome.unstorable(), "a batch from the queue");
                }
                return;
            } catch (SQLException | RuntimeException e) {
                databaseDown(e);
            }
        }
        synchronized (writerHandover) {
            if (!writersAbandoned) {
                toSpool(batch);
            }
        }
    }

    private void databaseDown(Exception e) {
        if (databaseAvailable) {
            databaseAvailable = false;
            LOGGER.warn("DMARC evaluations: the database {} failed ({}); evaluations go to the spool {} and are replayed once it "
                + "is back (tried every {} ms)", source.description(), e.getMessage(), spool.directory(),
                settings.retryInterval().toMillis());
            LOGGER.debug("DMARC evaluations: the database failure", e);
        }
    }

    // ---- the spool

    /** Spools the records, durably; where the disk fails too, logs each in full so that none is lost unseen. */
    private void toSpool(List<EvaluationRecord> records) {
        List<String> lines = new ArrayList<>(records.size());
        for (EvaluationRecord record : records) {
            lines.add(EvaluationRecordCodec.toLine(record));
        }
        try {
            spool.append(lines);
            spooled.add(records.size());
            notify(listener::spooled, records.size());
        } catch (IOException | RuntimeException e) {
            dropLines(lines, "the spool " + spool.directory() + " failed: " + e.getMessage());
        }
    }

    private void drop(List<EvaluationRecord> records, String why) {
        dropLines(records.stream().map(EvaluationRecordCodec::toLine).toList(), why);
    }

    private void dropLines(List<String> lines, String why) {
        dropped.add(lines.size());
        notify(listener::dropped, lines.size());
        for (String line : lines) {
            // the whole record: an operator can put these lines in a spool file to replay them
            LOGGER.error("DMARC evaluation LOST ({}); to restore it, append this line to a file named evaluations-*.jsonl in the "
                + "spool directory: {}", why, line);
        }
    }

    private void keepAside(List<StoreOutcome.Unstorable> unstorable, String where) {
        List<String> lines = new ArrayList<>(unstorable.size());
        List<String> reasons = new ArrayList<>(unstorable.size());
        for (StoreOutcome.Unstorable u : unstorable) {
            lines.add(EvaluationRecordCodec.toLine(u.record()));
            reasons.add("line " + (lines.size()) + " (evaluation " + u.record().id() + "): " + u.reason());
        }
        try {
            Path file = spool.keepAsideRecords(lines, reasons);
            keptAside.add(lines.size());
            notify(listener::keptAside, lines.size());
            for (String reason : reasons) {
                LOGGER.error("DMARC evaluation refused by the database as data, kept in {} ({}): {}", file, where, reason);
            }
        } catch (IOException | RuntimeException e) {
            dropLines(lines, "refused by the database as data (" + String.join("; ", reasons) + ") and the spool failed: "
                + e.getMessage());
        }
    }

    // ---- the replayer thread

    private void replayTick() {
        try {
            if (closed || !spool.hasPending()) {
                return;
            }
            EvaluationRepository repository;
            try {
                repository = source.repository();
            } catch (SQLException | RuntimeException e) {
                databaseDown(e);
                return;
            }
            if (!databaseAvailable) {
                if (!repository.reachable()) {
                    return;
                }
                LOGGER.info("DMARC evaluations: the database {} is back; replaying the spool {}", source.description(), spool.directory());
                databaseAvailable = true;
            }
            spool.rotate();
            replayer.replay(repository, () -> closed);
        } catch (SQLException e) {
            databaseDown(e);
        } catch (IOException | RuntimeException e) {
            LOGGER.error("DMARC evaluation spool {}: replay failed, tried again in {} ms", spool.directory(),
                settings.retryInterval().toMillis(), e);
        }
    }

    private void notify(IntConsumer event, int count) {
        try {
            event.accept(count);
        } catch (RuntimeException e) {
            LOGGER.warn("DMARC evaluation recorder listener failed", e);
        }
    }

    // ---- closing

    /**
     * Stops taking records, writes the queue to the database (or the spool when the database fails
     * or does not answer within the close timeout), and releases the spool. Idempotent.
     */
    void close() {
        closing.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        stopWriter = true;
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        try {
            for (Thread writer : writers) {
                long wait = deadline - System.nanoTime();
                if (wait > 0) {
                    writer.join(Math.max(1, wait / 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // what the writers did not store: all of it when the database hangs, none when they finished the queue
        synchronized (writerHandover) {
            writersAbandoned = true;
            List<EvaluationRecord> left = new ArrayList<>();
            inFlight.values().forEach(left::addAll);
            queue.drainTo(left);
            if (!left.isEmpty()) {
                LOGGER.warn("DMARC evaluations: the database {} did not take the last {} evaluations within {} s of closing; they go "
                    + "to the spool {}", source.description(), left.size(), settings.closeTimeout().toSeconds(), spool.directory());
                toSpool(left);
            }
        }
        // a replay stops after its current batch; one that hangs on the database is cut (its file is replayed next time)
        replayThread.shutdown();
        try {
            long wait = Math.max(1, deadline - System.nanoTime());
            if (!replayThread.awaitTermination(wait, TimeUnit.NANOSECONDS)) {
                replayThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            replayThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            spool.close();
        } catch (IOException e) {
            LOGGER.error("DMARC evaluation spool {}: closing failed (what was written is synced)", spool.directory(), e);
        }
        source.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | SecurityException alreadyShuttingDown) {
            // called from the hook itself, or while the JVM stops
        }
        RecorderStatistics stats = statistics();
        LOGGER.info("DMARC evaluation recorder for {} closed: {} recorded, {} spooled, {} replayed, {} kept aside, {} lost",
            source.description(), stats.recorded(), stats.spooled(), stats.replayed(), stats.keptAside(), stats.dropped());
    }
}
