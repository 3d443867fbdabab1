package io.jamesdmarc.model.aggregate;

import java.util.Arrays;

/**
 * The text of one XML value, collected from the parser's own character arrays into one reused
 * array: hundreds of thousands of records are read without a String per event.
 */
final class TextBuffer {

    private char[] chars = new char[256];
    private int length;

    void clear() {
        length = 0;
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
    }

    private int trimmedStart() {
        int start = 0;
        while (start < length && Character.isWhitespace(chars[start])) {
            start++;
        }
        return start;
    }

    private int trimmedEnd(int start) {
        int end = length;
        while (end > start && Character.isWhitespace(chars[end - 1])) {
            end--;
        }
        return end;
    }

    boolean isBlank() {
        return trimmedStart() == length;
    }

    /** The text without leading and trailing whitespace. */
    String trimmed() {
        int start = trimmedStart();
        int end = trimmedEnd(start);
        return start == end ? "" : new String(chars, start, end - start);
    }

    /** Whether the trimmed text is exactly {@code token}, without making a String. */
    boolean trimmedEquals(String token) {
        int start = trimmedStart();
        int end = trimmedEnd(start);
        if (end - start != token.length()) {
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
        int start = trimmedStart();
        int end = trimmedEnd(start);
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
