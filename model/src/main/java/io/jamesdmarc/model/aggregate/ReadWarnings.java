package io.jamesdmarc.model.aggregate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What a reader tolerated, in order, each once. Bounded: a report of 200,000 records with the same
 * oddity in each must not keep 200,000 warnings, so past {@value #MAX} only the number is kept.
 */
final class ReadWarnings {

    static final int MAX = 100;

    private final LinkedHashSet<String> warnings = new LinkedHashSet<>();
    private long suppressed;

    void add(String warning) {
        if (warnings.size() < MAX) {
            warnings.add(warning);
        } else if (!warnings.contains(warning)) {
            suppressed++;
        }
    }

    List<String> toList() {
        List<String> list = new ArrayList<>(warnings);
        if (suppressed > 0) {
            list.add("and " + suppressed + " more warnings");
        }
        return list;
    }
}
