package io.jamesdmarc.model.unpack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the decoders tolerated (bytes after a gzip stream...), by location, so a report read from
 * there carries it among its warnings: storage keeps what was repaired next to what was read.
 */
final class ContainerNotes {

    private final Map<String, Set<String>> byLocation = new LinkedHashMap<>();

    /** A note about the layer at {@code location}; the same note twice (a report read twice) counts once. */
    synchronized void add(String location, String note) {
        byLocation.computeIfAbsent(location, l -> new LinkedHashSet<>()).add(note);
    }

    /** The notes about the layers a report at {@code reportLocation} was read through. */
    synchronized List<String> about(String reportLocation) {
        List<String> notes = new ArrayList<>();
        byLocation.forEach((location, texts) -> {
            if (reportLocation.equals(location) || reportLocation.startsWith(location + " > ")) {
                notes.addAll(texts);
            }
        });
        return notes;
    }

    /** Every note, each saying where. */
    synchronized List<String> all() {
        List<String> notes = new ArrayList<>();
        byLocation.forEach((location, texts) -> texts.forEach(text -> notes.add(location + ": " + text)));
        return notes;
    }
}
