package io.jamesdmarc.model.aggregate;

import java.time.Instant;
import java.util.Objects;

/** The period a report covers, in UTC. Real reports also send begin = end, or ranges of weeks. */
public record DateRange(Instant begin, Instant end) {
    public DateRange {
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
    }
}
