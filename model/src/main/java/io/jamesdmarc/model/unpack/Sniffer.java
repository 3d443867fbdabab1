package io.jamesdmarc.model.unpack;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Tells what a piece of content is from its first bytes, never from a name or a declared type:
 * senders label gzip as octet-stream, zip as x-zip-compressed, and XML as text/plain.
 */
final class Sniffer {

    /** What content is, as far as finding reports goes. */
    enum Kind {
        EMPTY, GZIP, ZIP, ZLIB, BASE64, EMAIL, AGGREGATE_XML,
        /** XML, or markup, without a DMARC {@code <feedback>} element. */
        OTHER_XML,
        /** Yahoo's and AOL's gzip body that is literally {@code unused}. */
        UNUSED_PLACEHOLDER,
        TEXT, BINARY;

        boolean isContainer() {
            return this == GZIP || this == ZIP || this == ZLIB || this == BASE64 || this == EMAIL;
        }
    }

    /** The verdict, with a phrase for the operator when the content is not a report. */
    record Sniffed(Kind kind, String description) {
    }

    /** How much of a stream the sniffer looks at. */
    static final int HEAD_SIZE = 64 * 1024;

    private static final Pattern FEEDBACK_START_TAG = Pattern.compile("<(?:[A-Za-z_][\\w.-]*:)?feedback[\\s/>]");
    private static final Pattern HEADER_FIELD = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+[ \\t]*:.*", Pattern.DOTALL);
    private static final Pattern BASE64_TEXT = Pattern.compile("[A-Za-z0-9+/=\\s]+");
    /** Fields of which at least one shows a header block is an e-mail's, not any colon-separated text. */
    private static final Set<String> MESSAGE_FIELDS = Set.of(
        "from", "to", "cc", "subject", "date", "received", "message-id", "mime-version", "content-type",
        "return-path", "delivered-to", "dkim-signature", "authentication-results", "reply-to", "sender",
        "x-original-to", "envelope-to", "delivery-date");

    private Sniffer() {
    }

    /**
     * @param head     the first bytes of the content, at most {@link #HEAD_SIZE}
     * @param complete whether {@code head} is the whole content
     */
    static Sniffed sniff(byte[] head, int length, boolean complete) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return new Sniffed(Kind.GZIP, "gzip");
        }
        if (length >= 4 && head[0] == 'P' && head[1] == 'K'
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) || (head[2] == 7 && head[3] == 8))) {
            return new Sniffed(Kind.ZIP, "zip");
        }
        if (length >= 2 && isZlibHeader(head[0] & 0xff, head[1] & 0xff) && inflates(head, length)) {
            return new Sniffed(Kind.ZLIB, "zlib");
        }
        String text = decodeText(head, length);
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return complete
                ? new Sniffed(Kind.EMPTY, length == 0 ? "empty" : "only whitespace")
                : new Sniffed(Kind.BINARY, "more than " + HEAD_SIZE + " bytes of whitespace");
        }
        if (complete && trimmed.equalsIgnoreCase("unused")) {
            return new Sniffed(Kind.UNUSED_PLACEHOLDER,
                "the word 'unused' where a report should be (a known Yahoo/AOL reporter fault)");
        }
        if (trimmed.charAt(0) == '<') {
            return sniffMarkup(trimmed);
        }
        if (looksLikeHeaderBlock(text)) {
            return new Sniffed(Kind.EMAIL, "e-mail");
        }
        if (looksLikeBase64OfSomethingKnown(trimmed)) {
            return new Sniffed(Kind.BASE64, "base64");
        }
        if (isMostlyText(head, length)) {
            return new Sniffed(Kind.TEXT, "text that is not a report (" + quoteStart(trimmed) + ")");
        }
        return new Sniffed(Kind.BINARY, "data in no known format (starts " + hexStart(head, length) + ")");
    }

    /** RFC 1950: deflate with a 32K window (CMF 0x78), a valid check value, no preset dictionary. */
    private static boolean isZlibHeader(int cmf, int flg) {
        return cmf == 0x78 && (flg == 0x01 || flg == 0x5e || flg == 0x9c || flg == 0xda) && ((cmf << 8) | flg) % 31 == 0;
    }

    /** Whether the head inflates without error as far as it goes: text that happens to start like zlib does not. */
    private static boolean inflates(byte[] head, int length) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(head, 0, length);
            byte[] out = new byte[8192];
            for (int i = 0; i < 16 && !inflater.finished() && !inflater.needsInput(); i++) {
                if (inflater.inflate(out) == 0 && inflater.needsDictionary()) {
                    return false;
                }
            }
            return true;
        } catch (DataFormatException e) {
            return false;
        } finally {
            inflater.end();
        }
    }

    private static Sniffed sniffMarkup(String text) {
        if (FEEDBACK_START_TAG.matcher(text).find()) {
            return new Sniffed(Kind.AGGREGATE_XML, "aggregate report XML");
        }
        String root = rootElement(text);
        return new Sniffed(Kind.OTHER_XML, root == null
            ? "markup that is not XML (" + quoteStart(text) + ")"
            : "XML whose root element is <" + root + ">, not a DMARC <feedback> report");
    }

    /** The first element's name after the prolog (declaration, comments, doctype), or null if there is none. */
    private static String rootElement(String text) {
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf('<', i);
            if (open < 0 || open + 1 >= text.length()) {
                return null;
            }
            char next = text.charAt(open + 1);
            if (text.startsWith("<?", open)) {
                i = skipPast(text, open, "?>");
            } else if (text.startsWith("<!--", open)) {
                i = skipPast(text, open, "-->");
            } else if (next == '!') {
                i = skipPast(text, open, ">");
            } else if (Character.isLetter(next) || next == '_' || next == ':') {
                int end = open + 1;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end))
                    && text.charAt(end) != '>' && text.charAt(end) != '/' && end - open < 80) {
                    end++;
                }
                return text.substring(open + 1, end);
            } else {
                return null;
            }
            if (i < 0) {
                return null;
            }
        }
        return null;
    }

    private static int skipPast(String text, int from, String end) {
        int at = text.indexOf(end, from);
        return at < 0 ? -1 : at + end.length();
    }

    /** An RFC 5322 header block: field lines and folded continuations, at least two fields, one a message field. */
    private static boolean looksLikeHeaderBlock(String text) {
        String[] lines = text.split("\r?\n", -1);
        int first = 0;
        if (lines.length > 0 && lines[0].startsWith("From ")) {
            first = 1; // an mbox separator line
        }
        int fields = 0;
        boolean messageField = false;
        int last = lines.length - 1; // the last line of a partial head may be cut short
        for (int i = first; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (i == first) {
                    return false;
                }
                continue;
            }
            if (!HEADER_FIELD.matcher(line).matches()) {
                if (i == last && fields >= 2) {
                    break;
                }
                return false;
            }
            fields++;
            String name = line.substring(0, line.indexOf(':')).strip().toLowerCase(Locale.ROOT);
            messageField |= MESSAGE_FIELDS.contains(name);
        }
        return fields >= 2 && messageField;
    }

    private static boolean looksLikeBase64OfSomethingKnown(String text) {
        if (!BASE64_TEXT.matcher(text).matches()) {
            return false;
        }
        String compact = text.replaceAll("\\s", "");
        int usable = Math.min(compact.length(), 8192) / 4 * 4;
        if (usable < 16) {
            return false;
        }
        int padding = compact.indexOf('=');
        if (padding >= 0 && padding < usable - 2) {
            return false; // padding in the middle: not one base64 text
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(compact.substring(0, usable));
        } catch (IllegalArgumentException e) {
            return false;
        }
        Kind inner = sniff(decoded, decoded.length, usable == compact.length()).kind();
        return inner.isContainer() && inner != Kind.BASE64 || inner == Kind.AGGREGATE_XML;
    }

    /** Text, in whatever charset: hardly any control characters besides line ends and tabs. */
    private static boolean isMostlyText(byte[] head, int length) {
        int controls = 0;
        for (int i = 0; i < length; i++) {
            int b = head[i] & 0xff;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x1b || b == 0x7f) {
                controls++;
            }
        }
        return controls * 100L <= length;
    }

    /** The head as text: a BOM says UTF-8 or UTF-16; otherwise Latin-1, which shows every ASCII mark-up as it is. */
    static String decodeText(byte[] head, int length) {
        if (length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
            return new String(head, 3, length - 3, StandardCharsets.UTF_8);
        }
        if (length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
            return new String(head, 2, length - 2, StandardCharsets.UTF_16LE);
        }
        if (length >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
            return new String(head, 2, length - 2, StandardCharsets.UTF_16BE);
        }
        if (length >= 4 && head[0] == '<' && head[1] == 0 && head[2] != 0 && head[3] == 0) {
            return new String(head, 0, length, StandardCharsets.UTF_16LE);
        }
        if (length >= 4 && head[0] == 0 && head[1] == '<' && head[2] == 0 && head[3] != 0) {
            return new String(head, 0, length, StandardCharsets.UTF_16BE);
        }
        return new String(head, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static String quoteStart(String text) {
        String start = text.length() > 24 ? text.substring(0, 24) + "..." : text;
        Matcher controls = Pattern.compile("\\p{Cntrl}").matcher(start);
        return "starts '" + controls.replaceAll(" ") + "'";
    }

    private static String hexStart(byte[] head, int length) {
        return HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(length, 8));
    }
}
