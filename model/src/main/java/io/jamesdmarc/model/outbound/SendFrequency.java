package io.jamesdmarc.model.outbound;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How often aggregate reports are sent, and so the periods they cover: whole UTC hours, UTC days
 * (RFC 9990's usual period) or ISO weeks (Monday 00:00 UTC to the next Monday). {@link #NEVER}
 * sends nothing and keeps every unreported evaluation, so that sending can resume later without loss.
 */
public enum SendFrequency {
    HOURLY("hourly"),
    DAILY("daily"),
    WEEKLY("weekly"),
    NEVER("never");

    private final String token;

    SendFrequency(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public static List<String> tokens() {
        return Arrays.stream(values()).map(SendFrequency::token).toList();
    }

    public static Optional<SendFrequency> of(String token) {
        String lower = token.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.token.equals(lower)).findFirst();
    }

    /**
     * The period holding {@code time}: the UTC hour, day or week it falls in.
     *
     * @throws IllegalStateException for {@link #NEVER}, which has no periods
     */
    public ReportPeriod periodOf(Instant time) {
        ZonedDateTime utc = time.atZone(ZoneOffset.UTC);
        return switch (this) {
            case HOURLY -> {
                ZonedDateTime begin = utc.truncatedTo(ChronoUnit.HOURS);
                yield new ReportPeriod(begin.toInstant(), begin.plusHours(1).toInstant());
            }
            case DAILY -> {
                ZonedDateTime begin = utc.truncatedTo(ChronoUnit.DAYS);
                yield new ReportPeriod(begin.toInstant(), begin.plusDays(1).toInstant());
            }
            case WEEKLY -> {
                ZonedDateTime begin = utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield new ReportPeriod(begin.toInstant(), begin.plusWeeks(1).toInstant());
            }
            case NEVER -> throw new IllegalStateException("frequency never has no report periods");
        };
    }

    /** The last period that ended at or before {@code time}. */
    public ReportPeriod lastCompleteBefore(Instant time) {
        ReportPeriod current = periodOf(time);
        return current.begin().equals(time) ? periodOf(time.minusSeconds(1)) : periodOf(current.begin().minusSeconds(1));
    }
}
