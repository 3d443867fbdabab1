package io.jamesdmarc.storage.evaluation;

/**
 * What an {@link EvaluationRecorder} has done since it started, and where it stands.
 *
 * @param recorded evaluations written to the database from the queue
 * @param spooled evaluations written to the spool
 * @param spilled of those, the ones spooled because the queue was full
 * @param replayed spooled evaluations now in the database
 * @param keptAside evaluations or spool lines kept aside (refused as data, unreadable)
 * @param dropped evaluations lost (neither database nor spool could take them)
 * @param queued evaluations waiting in memory now
 * @param databaseAvailable whether the last attempt to reach the database succeeded
 */
public record RecorderStatistics(long recorded, long spooled, long spilled, long replayed, long keptAside, long dropped, int queued,
                                 boolean databaseAvailable) {
}
