package io.jamesdmarc.storage.reporting;

/**
 * Which slice of a long list to answer: at most {@code limit} items after skipping {@code offset}.
 */
public record PageRequest(int limit, long offset) {

    public static final int MAX_LIMIT = 1000;

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
    }

    public static PageRequest first(int limit) {
        return new PageRequest(limit, 0);
    }
}
