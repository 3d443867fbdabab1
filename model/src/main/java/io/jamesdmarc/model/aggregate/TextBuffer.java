package io.jamesdmarc.model.aggregate;

import java.util.Arrays;

/**
 * The text of one XML value, collected from the parser's own character arrays into one reused
 * array: hundreds of thousands of records are read without a String per event.
 */
final class TextBuffer {

    private char[] chars = new char[256];
    private int length;
    /** Bounds of the trimmed text, computed once per value; -1 when not yet known. */
    private int trimmedStart = -1;
    private int trimmedEnd;

    void clear() {
        length = 0;
        trimmedStart = -1;
    }

    int length() {
        return length;
    }

    void append(char[] source, int start, int count) {
        if (length + count > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + count));
        }
        System.arraycopy(source, start, chars, length, count);
        length += count;
        trimmedStart = -1;
    }

    private void trim() {
        if (trimmedStart >= 0) {
            return;
        }
        int start = 0;
        while (start < length && Character.isWhitespace(chars[start])) {
            start++;
        }
        int end = length;
        while (end > start && Character.isWhitespace(chars[end - 1])) {
            end--;
        }
        trimmedStart = start;
        trimmedEnd = end;
    }

    boolean isBlank() {
        trim();
        return trimmedStart == trimmedEnd;
    }

    /** The text without leading and trailing whitespace. */
    String trimmed() {
        trim();
        return trimmedStart == trimmedEnd ? "" : new String(chars, trimmedStart, trimmedEnd - trimmedStart);
    }

    /** Whether the trimmed text is exactly {@code token}, without making a String. */
    boolean trimmedEquals(String token) {
        trim();
        int start = trimmedStart;
        if (trimmedEnd - start != token.length()) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            if (chars[start + i] != token.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The trimmed text as a count: ASCII digits only, or -1 when it is anything else (a sign, a
     * fraction, letters, empty) or too large for a long.
     */
    long parseCount() {
        trim();
        int start = trimmedStart;
        int end = trimmedEnd;
        if (start == end) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            char c = chars[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
