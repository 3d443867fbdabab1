package io.jamesdmarc.storage.evaluation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * How an {@link EvaluationRecorder} queues, batches and spools. Read from code or from
 * {@code dmarc.properties}:
 *
 * <pre>
 * evaluations.spoolDirectory = var/james-dmarc/evaluation-spool
 * evaluations.queueCapacity = 10000
 * evaluations.batchSize = 500
 * evaluations.batchDelayMillis = 200
 * evaluations.writerThreads = 2
 * evaluations.spoolFileMegabytes = 64
 * evaluations.retrySeconds = 5
 * evaluations.closeTimeoutSeconds = 30
 * </pre>
 *
 * @param spoolDirectory where evaluations wait while the database cannot take them (a directory of
 *     this server's own, on a local disk)
 * @param queueCapacity evaluations held in memory for the writer; when full, new ones go straight to the spool
 * @param batchSize most evaluations per database transaction
 * @param batchDelay longest an evaluation waits for its batch to fill
 * @param writerThreads threads storing batches at once: while one waits for its commit, another sends
 * @param spoolFileBytes size at which a spool file is closed and a new one started
 * @param retryInterval how often the spool is replayed, and an unavailable database tried again
 * @param closeTimeout how long {@link EvaluationRecorder#close()} waits for the database before it
 *     spools what is left
 */
public record RecorderSettings(Path spoolDirectory,
                               int queueCapacity,
                               int batchSize,
                               Duration batchDelay,
                               int writerThreads,
                               long spoolFileBytes,
                               Duration retryInterval,
                               Duration closeTimeout) {

    public static final String KEY_SPOOL_DIRECTORY = "evaluations.spoolDirectory";
    public static final String KEY_QUEUE_CAPACITY = "evaluations.queueCapacity";
    public static final String KEY_BATCH_SIZE = "evaluations.batchSize";
    public static final String KEY_BATCH_DELAY_MILLIS = "evaluations.batchDelayMillis";
    public static final String KEY_WRITER_THREADS = "evaluations.writerThreads";
    public static final String KEY_SPOOL_FILE_MEGABYTES = "evaluations.spoolFileMegabytes";
    public static final String KEY_RETRY_SECONDS = "evaluations.retrySeconds";
    public static final String KEY_CLOSE_TIMEOUT_SECONDS = "evaluations.closeTimeoutSeconds";

    /** Relative to James's working directory, next to its own {@code var/} stores. */
    public static final Path DEFAULT_SPOOL_DIRECTORY = Path.of("var", "james-dmarc", "evaluation-spool");
    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final Duration DEFAULT_BATCH_DELAY = Duration.ofMillis(200);
    public static final int DEFAULT_WRITER_THREADS = 2;
    public static final long DEFAULT_SPOOL_FILE_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    public RecorderSettings {
        Objects.requireNonNull(spoolDirectory, KEY_SPOOL_DIRECTORY);
        Objects.requireNonNull(batchDelay, KEY_BATCH_DELAY_MILLIS);
        Objects.requireNonNull(retryInterval, KEY_RETRY_SECONDS);
        Objects.requireNonNull(closeTimeout, KEY_CLOSE_TIMEOUT_SECONDS);
        require(queueCapacity >= 1 && queueCapacity <= 10_000_000, KEY_QUEUE_CAPACITY + " must be between 1 and 10000000, was " + queueCapacity);
        require(batchSize >= 1 && batchSize <= 10_000, KEY_BATCH_SIZE + " must be between 1 and 10000, was " + batchSize);
        require(!batchDelay.isNegative() && batchDelay.compareTo(Duration.ofMinutes(1)) <= 0,
            KEY_BATCH_DELAY_MILLIS + " must be between 0 and 60000, was " + batchDelay.toMillis());
        require(writerThreads >= 1 && writerThreads <= 16, KEY_WRITER_THREADS + " must be between 1 and 16, was " + writerThreads);
        require(spoolFileBytes >= 4096, KEY_SPOOL_FILE_MEGABYTES + " must be at least 4 KB, was " + spoolFileBytes + " bytes");
        require(retryInterval.toMillis() >= 1, KEY_RETRY_SECONDS + " must be positive, was " + retryInterval);
        require(!closeTimeout.isNegative(), KEY_CLOSE_TIMEOUT_SECONDS + " must not be negative, was " + closeTimeout);
    }

    /** The defaults, spooling in {@code spoolDirectory}. */
    public static RecorderSettings defaults(Path spoolDirectory) {
        return new RecorderSettings(spoolDirectory, DEFAULT_QUEUE_CAPACITY, DEFAULT_BATCH_SIZE, DEFAULT_BATCH_DELAY,
            DEFAULT_WRITER_THREADS, DEFAULT_SPOOL_FILE_BYTES, DEFAULT_RETRY_INTERVAL, DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * The settings of a {@code dmarc.properties}; a key left out takes its default.
     *
     * @throws IllegalArgumentException a value is present but invalid; the message names the key
     */
    public static RecorderSettings fromProperties(Properties properties) {
        String directory = properties.getProperty(KEY_SPOOL_DIRECTORY, "").strip();
        return new RecorderSettings(directory.isEmpty() ? DEFAULT_SPOOL_DIRECTORY : Path.of(directory),
            (int) number(properties, KEY_QUEUE_CAPACITY, DEFAULT_QUEUE_CAPACITY),
            (int) number(properties, KEY_BATCH_SIZE, DEFAULT_BATCH_SIZE),
            Duration.ofMillis(number(properties, KEY_BATCH_DELAY_MILLIS, DEFAULT_BATCH_DELAY.toMillis())),
            (int) number(properties, KEY_WRITER_THREADS, DEFAULT_WRITER_THREADS),
            number(properties, KEY_SPOOL_FILE_MEGABYTES, DEFAULT_SPOOL_FILE_BYTES >> 20) << 20,
            Duration.ofSeconds(number(properties, KEY_RETRY_SECONDS, DEFAULT_RETRY_INTERVAL.toSeconds())),
            Duration.ofSeconds(number(properties, KEY_CLOSE_TIMEOUT_SECONDS, DEFAULT_CLOSE_TIMEOUT.toSeconds())));
    }

    public RecorderSettings withQueueCapacity(int capacity) {
        return new RecorderSettings(spoolDirectory, capacity, batchSize, batchDelay, writerThreads, spoolFileBytes, retryInterval, closeTimeout);
    }

    public RecorderSettings withBatch(int size, Duration delay) {
        return new RecorderSettings(spoolDirectory, queueCapacity, size, delay, writerThreads, spoolFileBytes, retryInterval, closeTimeout);
    }

    public RecorderSettings withWriterThreads(int threads) {
        return new RecorderSettings(spoolDirectory, queueCapacity, batchSize, batchDelay, threads, spoolFileBytes, retryInterval, closeTimeout);
    }

    public RecorderSettings withSpoolFileBytes(long bytes) {
        return new RecorderSettings(spoolDirectory, queueCapacity, batchSize, batchDelay, writerThreads, bytes, retryInterval, closeTimeout);
    }

    public RecorderSettings withRetryInterval(Duration interval) {
        return new RecorderSettings(spoolDirectory, queueCapacity, batchSize, batchDelay, writerThreads, spoolFileBytes, interval, closeTimeout);
    }

    public RecorderSettings withCloseTimeout(Duration timeout) {
        return new RecorderSettings(spoolDirectory, queueCapacity, batchSize, batchDelay, writerThreads, spoolFileBytes, retryInterval, timeout);
    }

    private static long number(Properties properties, String key, long defaultValue) {
        String text = properties.getProperty(key, "").strip();
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + text + "'", e);
        }
    }

    private static void require(boolean valid, String message) {
        if (!valid) {
            throw new IllegalArgumentException(message);
        }
    }
}
