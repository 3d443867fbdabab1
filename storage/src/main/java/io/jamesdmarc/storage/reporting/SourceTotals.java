package io.jamesdmarc.storage.reporting;

import java.util.Arrays;

/**
 * Messages and DMARC-passing messages per source id, summed from span rows as they stream in:
 * open addressing on primitive arrays, so that a period with a million sources costs tens of
 * megabytes, not hundreds. Then the sources ranked, for one page.
 */
final class SourceTotals {

    private static final long EMPTY = -1;

    private long[] ids;
    private long[] messages;
    private long[] pass;
    private int size;

    SourceTotals() {
        allocate(1 << 12);
    }

    /** Adds a span row of {@code source}. */
    void add(long source, long rowMessages, long rowPass) {
        if (size * 2 >= ids.length) {
            grow();
        }
        int slot = slot(ids, source);
        if (ids[slot] == EMPTY) {
            ids[slot] = source;
            size++;
        }
        messages[slot] += rowMessages;
        pass[slot] += rowPass;
    }

    /** Distinct sources added. */
    int size() {
        return size;
    }

    /** The source ids of one page in {@code order}; ties go to the older source (smaller id). */
    long[] page(SourceOrder order, long offset, int limit) {
        int[] slots = new int[size];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != EMPTY) {
                slots[n++] = i;
            }
        }
        // rank key descending, then id ascending: sort (key, id) pairs packed as boxed-free parallel arrays
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) {
            int slot = slots[i];
            keys[i] = order == SourceOrder.MESSAGES ? messages[slot] : messages[slot] - pass[slot];
        }
        Integer[] index = new Integer[size];
        for (int i = 0; i < size; i++) {
            index[i] = i;
        }
        Arrays.sort(index, (a, b) -> {
            int byKey = Long.compare(keys[b], keys[a]);
            if (byKey != 0) {
                return byKey;
            }
            if (order == SourceOrder.FAIL_MESSAGES) {
                int byMessages = Long.compare(messages[slots[b]], messages[slots[a]]);
                if (byMessages != 0) {
                    return byMessages;
                }
            }
            return Long.compare(ids[slots[a]], ids[slots[b]]);
        });
        int from = (int) Math.min(offset, size);
        int to = (int) Math.min((long) from + limit, size);
        long[] page = new long[to - from];
        for (int i = from; i < to; i++) {
            page[i - from] = ids[slots[index[i]]];
        }
        return page;
    }

    private void allocate(int capacity) {
        ids = new long[capacity];
        Arrays.fill(ids, EMPTY);
        messages = new long[capacity];
        pass = new long[capacity];
    }

    private void grow() {
        long[] oldIds = ids;
        long[] oldMessages = messages;
        long[] oldPass = pass;
        allocate(oldIds.length * 2);
        for (int i = 0; i < oldIds.length; i++) {
            if (oldIds[i] != EMPTY) {
                int slot = slot(ids, oldIds[i]);
                ids[slot] = oldIds[i];
                messages[slot] = oldMessages[i];
                pass[slot] = oldPass[i];
            }
        }
    }

    private static int slot(long[] table, long id) {
        int mask = table.length - 1;
        int slot = (int) (mix(id) & mask);
        while (table[slot] != EMPTY && table[slot] != id) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long mix(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }
}
