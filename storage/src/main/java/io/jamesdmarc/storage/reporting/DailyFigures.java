package io.jamesdmarc.storage.reporting;

import java.time.LocalDate;
import java.util.Collection;
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

    /** The sums of several days' figures: a period's, a month's. */
    public record Totals(long reports, long messages, long passMessages, long none, long quarantine, long reject, long failureReports) {
    }

    /** The figures of {@code days} added up. */
    public static Totals sum(Collection<DailyFigures> days) {
        long reports = 0;
        long messages = 0;
        long pass = 0;
        long none = 0;
        long quarantine = 0;
        long reject = 0;
        long failures = 0;
        for (DailyFigures day : days) {
            reports += day.reports();
            messages += day.messages();
            pass += day.passMessages();
            none += day.none();
            quarantine += day.quarantine();
            reject += day.reject();
            failures += day.failureReports();
        }
        return new Totals(reports, messages, pass, none, quarantine, reject, failures);
    }
}
