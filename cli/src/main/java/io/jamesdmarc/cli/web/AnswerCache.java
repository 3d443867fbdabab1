package io.jamesdmarc.cli.web;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * Keeps the database's answers for the API while the data stays as it is: an answer is reused when
 * no report was stored since it was computed (the data version, read per request with two index
 * look-ups) and it is younger than {@link #MAX_AGE}. The dashboard asks the same questions again
 * and again (each viewer, each period switch, the sources once more while reverse names are looked
 * up), and reports arrive a few times a day: most answers then cost nothing. The age limit covers
 * a report committed after a newer one (its id is smaller than the version already seen).
 */
final class AnswerCache {

    static final Duration MAX_AGE = Duration.ofSeconds(60);
    private static final int ENTRIES = 500;

    /** A database question. */
    interface Query<T> {
        T run() throws SQLException;
    }

    /** Reads the data version. */
    interface Version {
        String now() throws SQLException;
    }

    private record Entry(String version, Object answer) {
    }

    private final Version version;
    private final Cache<List<Object>, Entry> entries;

    private AnswerCache(Version version, Cache<List<Object>, Entry> entries) {
        this.version = version;
        this.entries = entries;
    }

    static AnswerCache keeping(Version version) {
        return new AnswerCache(Objects.requireNonNull(version, "version"),
            CacheBuilder.newBuilder().maximumSize(ENTRIES).expireAfterWrite(MAX_AGE).build());
    }

    /** No cache: every question goes to the database (for measuring it). */
    static AnswerCache none() {
        return new AnswerCache(null, null);
    }

    /** The answer to {@code query}, identified by {@code key}, from the cache when still valid. */
    @SuppressWarnings("unchecked")
    <T> T get(List<Object> key, Query<T> query) throws SQLException {
        if (entries == null) {
            return query.run();
        }
        String now = version.now();
        Entry kept = entries.getIfPresent(key);
        if (kept != null && kept.version().equals(now)) {
            return (T) kept.answer();
        }
        T answer = query.run();
        entries.put(key, new Entry(now, answer));
        return answer;
    }
}
