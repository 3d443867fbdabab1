package io.jamesdmarc.model.outbound;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The time an aggregate report covers: {@code [begin, end)} in whole seconds, UTC. The report's
 * {@code date_range} says {@code begin} and {@code end} as Unix times.
 */
public record ReportPeriod(Instant begin, Instant end) {
    public ReportPeriod {
        Objects.requireNonNull(begin, "begin");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(begin)) {
            throw new IllegalArgumentException("a report period ends after it begins: " + begin + " - " + end);
        }
        if (begin.getNano() != 0 || end.getNano() != 0) {
            throw new IllegalArgumentException("a report period is in whole seconds: " + begin + " - " + end);
        }
    }

    /**
     * A period as written on the command line: {@code 2026-05-20} (that UTC day), or
     * {@code 2026-05-20T00:00:00Z/2026-05-21T00:00:00Z}.
     */
    public static ReportPeriod parse(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        try {
            if (slash >= 0) {
                return new ReportPeriod(Instant.parse(value.substring(0, slash)), Instant.parse(value.substring(slash + 1)));
            }
            return SendFrequency.DAILY.periodOf(java.time.LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE)
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a period (2026-05-20, or 2026-05-20T00:00:00Z/2026-05-21T00:00:00Z): " + text, e);
        }
    }

    public boolean contains(Instant time) {
        return !time.isBefore(begin) && time.isBefore(end);
    }

    @Override
    public String toString() {
        return begin + "/" + end;
    }
}
