package io.jamesdmarc.storage.ingest;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** How model values become column values; shared by the writers and the readers of every storage package. */
public final class Columns {

    /** DATETIME's range. */
    static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    private Columns() {
    }

    /** UTC wall time for a DATETIME column, or empty when the instant is outside what DATETIME holds. */
    public static Optional<LocalDateTime> utc(Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            return Optional.empty();
        }
        return Optional.of(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    public static Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * The 16 bytes of an INET6 column: IPv6 as is, IPv4 as IPv4-mapped ({@code ::ffff:192.0.2.1}),
     * so that both sort and range-filter in one column.
     */
    public static byte[] inet6(InetAddress address) {
        if (address instanceof Inet4Address) {
            byte[] mapped = new byte[16];
            System.arraycopy(IPV4_MAPPED_PREFIX, 0, mapped, 0, 12);
            System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
            return mapped;
        }
        if (address instanceof Inet6Address) {
            return address.getAddress();
        }
        throw new IllegalArgumentException("not an IP address: " + address);
    }

    /** The address an INET6 column holds, IPv4-mapped ones as IPv4. */
    public static InetAddress address(byte[] inet6) throws SQLException {
        try {
            boolean mapped = inet6.length == 16;
            for (int i = 0; mapped && i < 12; i++) {
                mapped = inet6[i] == IPV4_MAPPED_PREFIX[i];
            }
            if (mapped) {
                byte[] v4 = new byte[4];
                System.arraycopy(inet6, 12, v4, 0, 4);
                return InetAddress.getByAddress(v4);
            }
            return InetAddress.getByAddress(inet6);
        } catch (java.net.UnknownHostException e) {
            throw new SQLException("not an INET6 value: " + inet6.length + " bytes", e);
        }
    }

    /** A policy or reported domain as stored: lower case, without a trailing dot. */
    static String domain(String domain) {
        String lower = domain.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** A location (where in a message a report was) as stored: cut to what a TEXT column holds, empty as NULL. */
    static Optional<String> location(String location) {
        return fit(Optional.ofNullable(location).filter(text -> !text.isEmpty()), TEXT_CHARACTERS);
    }

    public static void text(PreparedStatement statement, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            statement.setString(index, value.get());
        } else {
            statement.setNull(index, Types.VARCHAR);
        }
    }

    /** Characters a TEXT column always holds (65,535 bytes, 4 bytes per character at most). */
    static final int TEXT_CHARACTERS = 16_000;

    /** {@code value} cut to {@code max} characters: for what a message's headers say, which no report depends on. */
    static Optional<String> fit(Optional<String> value, int max) {
        return value.map(text -> text.length() <= max ? text : text.substring(0, max - 1) + "\u2026");
    }

    /** A JSON array of strings. */
    static String json(List<String> values) {
        StringBuilder json = new StringBuilder(2 + values.size() * 16).append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            appendJsonString(json, values.get(i));
        }
        return json.append(']').toString();
    }

    private static void appendJsonString(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validSurrogateAt(value, i)) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** The strings of a JSON array written by {@link #json}; NULL reads as no strings. */
    static List<String> jsonStrings(String json) throws SQLException {
        if (json == null) {
            return List.of();
        }
        List<String> values = new java.util.ArrayList<>();
        String text = json.strip();
        int i = expect(text, 0, '[');
        i = skipSpace(text, i);
        if (i < text.length() && text.charAt(i) == ']') {
            return values;
        }
        while (true) {
            i = expect(text, skipSpace(text, i), '"');
            StringBuilder value = new StringBuilder();
            while (i < text.length() && text.charAt(i) != '"') {
                char c = text.charAt(i++);
                if (c == '\\') {
                    if (i >= text.length()) {
                        throw new SQLException("not a JSON array of strings: " + json);
                    }
                    char escaped = text.charAt(i++);
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        case 't' -> value.append('\t');
                        case 'b' -> value.append('\b');
                        case 'f' -> value.append('\f');
                        case 'u' -> {
                            if (i + 4 > text.length()) {
                                throw new SQLException("not a JSON array of strings: " + json);
                            }
                            value.append((char) Integer.parseInt(text.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> value.append(escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            i = expect(text, i, '"');
            values.add(value.toString());
            i = skipSpace(text, i);
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
                continue;
            }
            expect(text, i, ']');
            return values;
        }
    }

    private static int expect(String text, int i, char c) throws SQLException {
        if (i >= text.length() || text.charAt(i) != c) {
            throw new SQLException("not a JSON array of strings: " + text);
        }
        return i + 1;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean validSurrogateAt(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
