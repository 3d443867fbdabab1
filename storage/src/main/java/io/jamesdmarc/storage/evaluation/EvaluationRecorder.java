package io.jamesdmarc.storage.evaluation;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.storage.DatabaseConfig;

/**
 * Records DMARC evaluations for the reports this server sends, without ever slowing or failing mail:
 * {@link #record} queues the evaluation and returns at once; a background writer stores the queue in
 * batches (by size and time, {@link RecorderSettings}). When the database fails, batches go to a
 * durable local spool (append-only files, synced to disk), replayed into the database once it is
 * back; a replayed evaluation is stored once, however often it is replayed. When the queue is full
 * (the database is slow), new evaluations go straight to the spool instead of waiting. Spool files
 * left by a process that stopped are replayed when the next one starts.
 *
 * <pre>{@code
 * // in a mailet's init(): one recorder per database in the JVM, whoever asks
 * recorder = EvaluationRecorder.shared(DatabaseConfig.fromProperties(properties).orElseThrow(),
 *     RecorderSettings.fromProperties(properties), listener);
 * // in service(), from any spool thread
 * recorder.record(evaluation.record());
 * // in destroy()
 * recorder.close();
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stores what is queued (or spools it) and releases the spool; a
 * JVM that stops without it still writes its queue to the spool (shutdown hook).
 */
public final class EvaluationRecorder implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(EvaluationRecorder.class);
    private static final Map<String, Shared> SHARED = new HashMap<>();

    private final RecorderEngine engine;
    private final Shared shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** An engine with its users, for {@link #shared}. */
    private static final class Shared {
        private final String key;
        private final RecorderEngine engine;
        private final RecorderSettings settings;
        private int users;

        private Shared(String key, RecorderEngine engine, RecorderSettings settings) {
            this.key = key;
            this.engine = engine;
            this.settings = settings;
        }
    }

    private EvaluationRecorder(RecorderEngine engine, Shared shared) {
        this.engine = engine;
        this.shared = shared;
    }

    /**
     * The JVM's recorder for this database (URL and user), started by the first caller: every mailet
     * of a James server records through one queue and one spool. The database is opened
     * ({@link io.jamesdmarc.storage.Database#shared}) when it first answers, so a recorder starts,
     * and spools, while the database is down. Later callers' settings and listener are ignored (a
     * warning says so when they differ).
     *
     * @throws IOException the spool directory cannot be created or locked (another process uses it)
     */
    public static EvaluationRecorder shared(DatabaseConfig database, RecorderSettings settings, RecorderListener listener)
        throws IOException {
        String key = database.url() + "\u0000" + database.user();
        synchronized (SHARED) {
            Shared entry = SHARED.get(key);
            if (entry == null) {
                RecorderEngine engine = RecorderEngine.start(settings, RepositorySource.opening(database), listener);
                entry = new Shared(key, engine, settings);
                SHARED.put(key, entry);
            } else if (!entry.settings.equals(settings)) {
                LOGGER.warn("DMARC evaluation recorder for {} already runs in this JVM with {}: reusing it (asked: {})",
                    database.redactedUrl(), entry.settings, settings);
            }
            entry.users++;
            return new EvaluationRecorder(entry.engine, entry);
        }
    }

    /**
     * A recorder of one's own on a pool (tests, benchmarks, tools). Its spool directory must not be
     * another recorder's.
     *
     * @param description the database, for logs (no password)
     * @throws IOException the spool directory cannot be created or locked
     */
    public static EvaluationRecorder start(DataSource dataSource, String description, RecorderSettings settings,
                                           RecorderListener listener) throws IOException {
        return new EvaluationRecorder(RecorderEngine.start(settings, RepositorySource.of(dataSource, description), listener), null);
    }

    /**
     * Records an evaluation: returns at once, never blocks on the database, never throws because of it.
     * After {@link #close()}, the evaluation is logged in full and counted as dropped.
     */
    public void record(EvaluationRecord record) {
        Objects.requireNonNull(record, "record");
        engine.record(record);
    }

    /** Counts since the recorder started, the queue's length, whether the database answers. */
    public RecorderStatistics statistics() {
        return engine.statistics();
    }

    /**
     * Releases this handle; the last handle of a recorder stores the queue (or spools it when the
     * database fails or does not answer within the close timeout), stops the threads and releases the
     * spool. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (shared == null) {
            engine.close();
            return;
        }
        synchronized (SHARED) {
            if (--shared.users > 0) {
                return;
            }
            // closed holding the lock: a caller starting the recorder again waits until the spool is free
            engine.close();
            SHARED.remove(shared.key);
        }
    }
}
