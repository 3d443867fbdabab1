package io.jamesdmarc.model.aggregate;

/**
 * Text and attribute values as XML: markup characters escaped, and characters XML 1.0 does not
 * allow (control characters, U+FFFE, U+FFFF, unpaired surrogates) dropped, so that what we write
 * is always well-formed. A carriage return is written as a character reference, which parsers
 * keep, where a literal one would be turned into a line feed.
 */
final class XmlEscaping {

    private XmlEscaping() {
    }

    static void appendText(StringBuilder out, CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            i = append(out, text, i, false);
        }
    }

    static void appendText(StringBuilder out, char[] chars, int start, int length) {
        appendText(out, java.nio.CharBuffer.wrap(chars, start, length));
    }

    static void appendAttribute(StringBuilder out, CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            i = append(out, text, i, true);
        }
    }

    /** Whether {@code text} has a character XML 1.0 does not allow. */
    static boolean hasIllegalCharacter(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (!isLegal(c)) {
                return true;
            }
        }
        return false;
    }

    /** Appends the character at {@code i} (with its low surrogate) and returns the index of the last one used. */
    private static int append(StringBuilder out, CharSequence text, int i, boolean attribute) {
        char c = text.charAt(i);
        switch (c) {
            case '&' -> out.append("&amp;");
            case '<' -> out.append("&lt;");
            case '>' -> out.append("&gt;");
            case '\r' -> out.append("&#13;");
            case '"' -> out.append(attribute ? "&quot;" : "\"");
            case '\t' -> out.append(attribute ? "&#9;" : "\t");
            case '\n' -> out.append(attribute ? "&#10;" : "\n");
            default -> {
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(i + 1));
                        return i + 1;
                    }
                } else if (isLegal(c)) {
                    out.append(c);
                }
            }
        }
        return i;
    }

    private static boolean isLegal(char c) {
        return c >= 0x20 ? c < 0xD800 || (c >= 0xE000 && c < 0xFFFE) : c == '\t' || c == '\n' || c == '\r';
    }
}
