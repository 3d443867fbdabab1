package io.jamesdmarc.model.failure;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.jamesdmarc.model.failure.FailureReport.Field;

/**
 * {@code Name: value} fields as in a message header or a {@code message/feedback-report} body:
 * CRLF or LF, folded lines, any casing of names.
 */
final class HeaderFields {

    /** RFC 5322 field name (printable ASCII but colon), tolerating blanks before the colon. */
    private static final Pattern FIELD_LINE = Pattern.compile("([\\x21-\\x39\\x3b-\\x7e]+)[ \\t]*:(.*)", Pattern.DOTALL);
    private static final Pattern LINE_END = Pattern.compile("\r\n|\n|\r");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private HeaderFields() {
    }

    /**
     * The fields, unfolded (a line break followed by a blank is removed, the blank kept), values
     * stripped of surrounding blanks, in the order written.
     *
     * @param headerBlock true to stop at the first empty line (a message header), false to read on
     *                    (a feedback report, where some reporters leave empty lines between fields)
     */
    static List<Field> parse(String text, boolean headerBlock) {
        List<Field> fields = new ArrayList<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        boolean started = false;
        for (String line : LINE_END.split(text, -1)) {
            if (line.isBlank()) {
                if (headerBlock && started) {
                    break;
                }
                continue;
            }
            started = true;
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (name != null) {
                    value.append(line);
                }
                continue;
            }
            var matcher = FIELD_LINE.matcher(line);
            if (name != null) {
                fields.add(new Field(name, value.toString().strip()));
                name = null;
            }
            if (matcher.matches()) {
                name = matcher.group(1);
                value.setLength(0);
                value.append(matcher.group(2));
            }
        }
        if (name != null) {
            fields.add(new Field(name, value.toString().strip()));
        }
        return fields;
    }

    /** The header block at the start of a message's bytes, decoded by itself (a body in another charset does not matter). */
    static String headerBlock(byte[] message) {
        int end = message.length;
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n' && (i == 0 || i + 1 < message.length && (message[i + 1] == '\n'
                || message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n'))) {
                end = i == 0 ? 0 : i + 1;
                break;
            }
        }
        return headerBlock(decode(java.util.Arrays.copyOf(message, end)));
    }

    /** The header block at the start of a message, up to (without) the empty line, line ends as written. */
    static String headerBlock(String message) {
        if (message.startsWith("\n") || message.startsWith("\r\n")) {
            return "";
        }
        var matcher = Pattern.compile("\r\n\r\n|\n\n|\r\n\n|\n\r\n").matcher(message);
        if (!matcher.find()) {
            return message;
        }
        int endOfLastLine = message.charAt(matcher.start()) == '\r' && message.charAt(matcher.start() + 1) == '\n'
            ? matcher.start() + 2 : matcher.start() + 1;
        return message.substring(0, endOfLastLine);
    }

    static Optional<String> first(List<Field> fields, String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).findFirst();
    }

    /** The first non-empty value: an empty field states nothing. */
    static Optional<String> firstStated(List<Field> fields, String name) {
        return first(fields, name).filter(v -> !v.isEmpty());
    }

    static List<String> all(List<Field> fields, String name) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).filter(v -> !v.isEmpty()).toList();
    }

    /** Bytes as text: UTF-8 (RFC 6532) when they are valid UTF-8, else windows-1252, which decodes any byte. */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, WINDOWS_1252);
        }
    }
}
