package io.jamesdmarc.storage.reporting;

import java.time.LocalDate;
import java.util.Objects;

/**
 * The figures of one policy domain on one UTC day (aggregate reports whose period begins that day;
 * failure reports that arrived that day), counted in messages.
 */
public record DailyFigures(LocalDate day,
                           long reports,
                           long messages,
                           long passMessages,
                           long none,
                           long quarantine,
                           long reject,
                           long failureReports) {

    public DailyFigures {
        Objects.requireNonNull(day, "day");
    }

    static DailyFigures empty(LocalDate day) {
        return new DailyFigures(day, 0, 0, 0, 0, 0, 0, 0);
    }

    public long failMessages() {
        return messages - passMessages;
    }
}
