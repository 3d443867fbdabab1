package io.jamesdmarc.storage.reporting;

import java.util.List;

/**
 * One slice of a list, and how long the whole list is.
 *
 * @param total items in the whole list
 */
public record Page<T>(long total, PageRequest request, List<T> items) {
    public Page {
        items = List.copyOf(items);
    }
}
