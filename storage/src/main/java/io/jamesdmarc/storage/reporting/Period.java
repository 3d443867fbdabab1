package io.jamesdmarc.storage.reporting;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whole UTC days, {@code first} to {@code last} inclusive: the period the dashboard queries ask
 * about. An aggregate report is in it when its period begins on one of these days.
 */
public record Period(LocalDate first, LocalDate last) {

    /** The earliest and latest days a DATE / DATETIME column holds. */
    public static final LocalDate EARLIEST = LocalDate.of(1000, 1, 1);
    public static final LocalDate LATEST = LocalDate.of(9999, 12, 30);

    /** Span lengths of {@code aggregate_source_spans}, longest first (as migration V3 and ingest.ReportRollups write them). */
    static final int[] SPAN_LENGTHS = {81, 27, 9, 3, 1};
    /** MariaDB's TO_DAYS() of 1970-01-01: spans start on days whose TO_DAYS() is a multiple of their length. */
    static final long TO_DAYS_OF_EPOCH = 719_528;

    /** An aligned span of {@code days} days beginning on {@code start}. */
    record Span(int days, LocalDate start) {
    }

    public Period {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (last.isBefore(first)) {
            throw new IllegalArgumentException("the period ends (" + last + ") before it begins (" + first + ")");
        }
        if (first.isBefore(EARLIEST) || last.isAfter(LATEST)) {
            throw new IllegalArgumentException("the period " + first + ".." + last + " is outside the years 1000-9999");
        }
    }

    /** The {@code days} days ending on {@code last}. */
    public static Period endingOn(LocalDate last, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("a period has at least one day, not " + days);
        }
        return new Period(last.minusDays(days - 1L), last);
    }

    public long days() {
        return ChronoUnit.DAYS.between(first, last) + 1;
    }

    /** The first instant of the period. */
    public Instant since() {
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The first instant after the period. */
    public Instant until() {
        return last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public boolean contains(LocalDate day) {
        return !day.isBefore(first) && !day.isAfter(last);
    }

    /** The period as the filter of the named queries. */
    public ReportFilter filter(String domain) {
        return new ReportFilter(java.util.Optional.ofNullable(domain), java.util.Optional.of(since()), java.util.Optional.of(until()));
    }

    /** The fewest aligned spans that together cover exactly this period, in date order. */
    List<Span> spans() {
        List<Span> spans = new ArrayList<>();
        long day = first.toEpochDay() + TO_DAYS_OF_EPOCH;
        long end = last.toEpochDay() + TO_DAYS_OF_EPOCH + 1;
        while (day < end) {
            for (int length : SPAN_LENGTHS) {
                if (day % length == 0 && day + length <= end) {
                    spans.add(new Span(length, LocalDate.ofEpochDay(day - TO_DAYS_OF_EPOCH)));
                    day += length;
                    break;
                }
            }
        }
        return spans;
    }

    @Override
    public String toString() {
        return first + ".." + last;
    }
}
