package io.jamesdmarc.mailets.outbound.failure;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many failure reports one destination address may receive per period ({@code failureSendFrequency}):
 * {@code 1 per 1 day} (the default), {@code 10 per 6 hours}, {@code 5 per hour}, or {@code false}
 * (no failure reports at all). Units: second, minute, hour, day, week (singular or plural).
 *
 * @param count reports per window (at least 1)
 * @param period the window (at least a second, at most 366 days)
 */
public record FailureRateLimit(int count, Duration period) {

    private static final Pattern SYNTAX = Pattern.compile(
        "(\\d{1,9})\\s*(?:per|/)\\s*(\\d{1,9})?\\s*(second|minute|hour|day|week)s?", Pattern.CASE_INSENSITIVE);
    private static final Duration LONGEST = Duration.ofDays(366);
    public static final FailureRateLimit DEFAULT = new FailureRateLimit(1, Duration.ofDays(1));

    public FailureRateLimit {
        if (count < 1) {
            throw new IllegalArgumentException("at least one report per period");
        }
        if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("a period between a second and 366 days");
        }
    }

    /**
     * The frequency {@code text} states; empty for {@code false} (failure reports disabled).
     *
     * @throws IllegalArgumentException not a frequency
     */
    public static Optional<FailureRateLimit> parse(String text) {
        String value = text.strip();
        if (value.equalsIgnoreCase("false") || value.equalsIgnoreCase("no")) {
            return Optional.empty();
        }
        Matcher matcher = SYNTAX.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a count per period (like 1 per 1 day), nor false");
        }
        long units = matcher.group(2) == null ? 1 : Long.parseLong(matcher.group(2));
        Duration unit = switch (matcher.group(3).toLowerCase(Locale.ROOT)) {
            case "second" -> Duration.ofSeconds(1);
            case "minute" -> Duration.ofMinutes(1);
            case "hour" -> Duration.ofHours(1);
            case "day" -> Duration.ofDays(1);
            default -> Duration.ofDays(7);
        };
        if (units > LONGEST.dividedBy(unit)) {
            throw new IllegalArgumentException("a period of at most 366 days");
        }
        return Optional.of(new FailureRateLimit(Integer.parseInt(matcher.group(1)), unit.multipliedBy(units)));
    }

    @Override
    public String toString() {
        return count + " per " + period;
    }
}
