package io.jamesdmarc.storage.evaluation;

/**
 * Counts what an {@link EvaluationRecorder} does with evaluations, for metrics: the mailet bridges
 * these to James's {@code MetricFactory} counters. Called from the recorder's threads (and, for
 * {@link #spooled}, from the thread that recorded when the queue is full): implementations must be
 * thread-safe and quick. An exception thrown here is logged and ignored.
 */
public interface RecorderListener {

    /** Does nothing. */
    RecorderListener NONE = new RecorderListener() {
    };

    /** Evaluations written to the database from the queue (a replayed id counts too). */
    default void recorded(int count) {
    }

    /** Evaluations written to the spool: the database failed, or the queue was full. */
    default void spooled(int count) {
    }

    /** Spooled evaluations now in the database. */
    default void replayed(int count) {
    }

    /** Evaluations the database refused as data, or unreadable spool lines: kept in the spool's kept-aside folder. */
    default void keptAside(int count) {
    }

    /** Evaluations lost because neither the database nor the spool could take them (each logged in full). Never expected. */
    default void dropped(int count) {
    }
}
