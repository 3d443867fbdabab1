package io.jamesdmarc.model.evaluation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.common.io.ByteSource;

/**
 * The header section of a message as received (RFC 5322 section 2.2): its fields in order, and
 * its text as written, for failure reports.
 *
 * <p>Reading stops at the empty line that ends the header section, or after {@link #MAX_BYTES}
 * ({@link #truncated()} then tells). The bytes are UTF-8 (RFC 6532) when they decode as such,
 * Latin-1 otherwise, so that no byte is lost. Lines that are neither a field nor a continuation
 * are kept in the text and ignored as fields.
 */
public final class MessageHeaders {
    /** The most header bytes read: far above any real message, low enough to bound memory. */
    public static final int MAX_BYTES = 1 << 20;

    private static final Pattern LINE_END = Pattern.compile("\\r?\\n");
    private static final Pattern FOLDING = Pattern.compile("\\r?\\n(?=[ \\t])");

    private final String text;
    private final List<Field> fields;
    private final boolean truncated;

    private MessageHeaders(String text, List<Field> fields, boolean truncated) {
        this.text = text;
        this.fields = List.copyOf(fields);
        this.truncated = truncated;
    }

    /**
     * One header field.
     *
     * @param name the field name as written
     * @param value what follows the colon, folding (CRLF and white space) kept as written
     */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        /** The value without its folding and without surrounding white space. */
        public String unfolded() {
            return FOLDING.matcher(value).replaceAll("").strip();
        }
    }

    /** Reads the header section at the start of {@code message}. */
    public static MessageHeaders read(ByteSource message) throws IOException {
        try (InputStream in = message.openBufferedStream()) {
            return read(in);
        }
    }

    /** Reads the header section from the start of {@code in} (reading past it: the rest is for others to reopen). */
    public static MessageHeaders read(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        int length = 0;
        int scanned = 0;
        while (true) {
            int end = endOfHeader(buffer, scanned, length);
            if (end >= 0) {
                return parse(decode(buffer, end), false);
            }
            if (length >= MAX_BYTES) {
                int lastLine = lastLineEnd(buffer, MAX_BYTES);
                return parse(decode(buffer, lastLine), true);
            }
            scanned = Math.max(0, length - 2);
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_BYTES));
            }
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                return parse(decode(buffer, length), false); // no body: the whole message is header
            }
            length += read;
        }
    }

    /** Where the header section ends (after the last field's line end), or -1 when not within {@code length}. */
    private static int endOfHeader(byte[] bytes, int from, int length) {
        if (from == 0 && length > 0 && (bytes[0] == '\n' || (length > 1 && bytes[0] == '\r' && bytes[1] == '\n'))) {
            return 0; // the message starts with the empty line: no header at all
        }
        for (int i = from; i < length - 1; i++) {
            if (bytes[i] == '\n' && (bytes[i + 1] == '\n'
                || (bytes[i + 1] == '\r' && i + 2 < length && bytes[i + 2] == '\n'))) {
                return i + 1;
            }
        }
        return -1;
    }

    private static int lastLineEnd(byte[] bytes, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    /** Reads a header section already in text form. */
    public static MessageHeaders parse(String text) {
        return parse(text, false);
    }

    private static MessageHeaders parse(String text, boolean truncated) {
        List<Field> fields = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : LINE_END.split(text, -1)) {
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (continuation && name != null) {
                value.append("\r\n").append(line);
                continue;
            }
            if (name != null) {
                fields.add(new Field(name, value.toString()));
                name = null;
            }
            int colon = line.indexOf(':');
            // RFC 5322 obsolete syntax allows white space before the colon
            String candidate = colon > 0 ? line.substring(0, colon).stripTrailing() : "";
            if (!candidate.isEmpty() && candidate.chars().allMatch(c -> c > 32 && c < 127)) {
                name = candidate;
                value.setLength(0);
                value.append(line, colon + 1, line.length());
            }
        }
        if (name != null) {
            fields.add(new Field(name, value.toString()));
        }
        return new MessageHeaders(text, fields, truncated);
    }

    private static String decode(byte[] bytes, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** Every field, in order. */
    public List<Field> fields() {
        return fields;
    }

    /** The values of every field named {@code name} (any case), in order, folding kept. */
    public List<String> values(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    /** The unfolded value of the first field named {@code name}, when there is one. */
    public Optional<String> first(String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).findFirst().map(Field::unfolded);
    }

    public boolean contains(String name) {
        return fields.stream().anyMatch(f -> f.name().equalsIgnoreCase(name));
    }

    /** The header section as written, without the empty line that ends it. */
    public String text() {
        return text;
    }

    /** Whether reading stopped at {@link #MAX_BYTES} before the end of the header section. */
    public boolean truncated() {
        return truncated;
    }
}
