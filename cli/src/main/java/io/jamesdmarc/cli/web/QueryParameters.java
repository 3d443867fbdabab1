package io.jamesdmarc.cli.web;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.jamesdmarc.storage.reporting.Period;

/**
 * The query parameters of one request, read strictly: an unknown name, a repeated one or a value
 * that does not parse is a 400 naming the parameter and saying what was expected.
 */
final class QueryParameters {

    /** The default period of the domain endpoints: the last 30 days, today included. */
    static final int DEFAULT_DAYS = 30;
    /** The longest period one request may ask about: a century. */
    static final int MAX_DAYS = 36_600;

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /** The parameters of {@code uri}, each of which must be one of {@code allowed}. */
    static QueryParameters of(URI uri, Set<String> allowed) throws ApiException {
        Map<String, String> values = new LinkedHashMap<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                if (!allowed.contains(name)) {
                    throw ApiException.badParameter(name, "unknown parameter '" + name + "'"
                        + (allowed.isEmpty() ? ": this endpoint takes none" : "; this endpoint takes " + String.join(", ", new TreeSet<>(allowed))));
                }
                if (values.putIfAbsent(name, value) != null) {
                    throw ApiException.badParameter(name, "parameter '" + name + "' is given twice");
                }
            }
        }
        return new QueryParameters(values);
    }

    private static String decode(String text) throws ApiException {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter(text, "the query string is not properly percent-encoded near '" + text + "'");
        }
    }

    Optional<String> text(String name) {
        return Optional.ofNullable(values.get(name)).map(String::strip).filter(text -> !text.isEmpty());
    }

    int integer(String name, int defaultValue, int min, int max) throws ApiException {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value < min || value > max) {
                throw ApiException.badParameter(name, name + " must be between " + min + " and " + max + ", was " + text.get());
            }
            return (int) value;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, name + " must be a whole number between " + min + " and " + max + ", was '" + text.get() + "'");
        }
    }

    long offset() throws ApiException {
        Optional<String> text = text("offset");
        if (text.isEmpty()) {
            return 0;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value < 0) {
                throw ApiException.badParameter("offset", "offset must be 0 or more, was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("offset", "offset must be a whole number (0 or more), was '" + text.get() + "'");
        }
    }

    Optional<LocalDate> date(String name) throws ApiException {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            LocalDate date = LocalDate.parse(text.get());
            if (date.isBefore(Period.EARLIEST) || date.isAfter(Period.LATEST)) {
                throw ApiException.badParameter(name, name + " must be between " + Period.EARLIEST + " and " + Period.LATEST + ", was " + date);
            }
            return Optional.of(date);
        } catch (DateTimeParseException e) {
            throw ApiException.badParameter(name, name + " must be a date written YYYY-MM-DD (UTC), was '" + text.get() + "'");
        }
    }

    /**
     * The period of {@code from}, {@code to} (days, inclusive, UTC) and {@code days}: {@code to}
     * defaults to today; {@code from} to {@code days} (default {@code defaultDays}) days before it.
     */
    Period period(LocalDate today, int defaultDays) throws ApiException {
        Optional<LocalDate> from = date("from");
        Optional<LocalDate> to = date("to");
        if (from.isPresent() && text("days").isPresent()) {
            throw ApiException.badParameter("days", "give either from or days, not both");
        }
        LocalDate last = to.orElse(today);
        if (from.isPresent()) {
            if (from.get().isAfter(last)) {
                throw ApiException.badParameter("from", "from (" + from.get() + ") must not be after to (" + last + ")");
            }
            if (java.time.temporal.ChronoUnit.DAYS.between(from.get(), last) >= MAX_DAYS) {
                throw ApiException.badParameter("from", "the period from " + from.get() + " to " + last + " is longer than " + MAX_DAYS + " days");
            }
            return new Period(from.get(), last);
        }
        int days = integer("days", defaultDays, 1, MAX_DAYS);
        if (last.minusDays(days - 1L).isBefore(Period.EARLIEST)) {
            throw ApiException.badParameter("days", days + " days before " + last + " is before " + Period.EARLIEST);
        }
        return Period.endingOn(last, days);
    }

    /** The period of {@code from} and {@code to} when either is given; none means all time. */
    Optional<Period> optionalPeriod() throws ApiException {
        Optional<LocalDate> from = date("from");
        Optional<LocalDate> to = date("to");
        if (from.isEmpty() && to.isEmpty()) {
            return Optional.empty();
        }
        LocalDate first = from.orElse(Period.EARLIEST);
        LocalDate last = to.orElse(Period.LATEST);
        if (first.isAfter(last)) {
            throw ApiException.badParameter("from", "from (" + first + ") must not be after to (" + last + ")");
        }
        return Optional.of(new Period(first, last));
    }
}
