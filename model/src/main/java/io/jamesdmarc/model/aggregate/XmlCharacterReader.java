package io.jamesdmarc.model.aggregate;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The characters of a report's bytes, decoded as the XML parser would but forgiving what real
 * reporters send: we choose the charset ourselves (byte order mark, else the XML declaration, else
 * UTF-8) so that bytes invalid in it are detected rather than silently replaced, skip a BOM and
 * whitespace before the first markup, and drop characters XML 1.0 forbids (a BEL in a comment makes
 * a whole report unreadable to a strict parser, yet carries no data).
 *
 * <p>In {@link Mode#FALLBACK} mode undecodable bytes are read as windows-1252 (or replaced, for
 * UTF-16), which always succeeds: the reader re-reads a document that way once the declared charset
 * failed.
 */
final class XmlCharacterReader extends Reader {

    /** How to decode. */
    enum Mode {
        /** The charset the BOM or declaration names (UTF-8 by default); undecodable bytes are an error. */
        DECLARED,
        /** Windows-1252 for ASCII-compatible documents, the declared UTF-16 with replacement otherwise. */
        FALLBACK
    }

    /** Bytes that the chosen charset cannot decode; reported once all good characters before them were read. */
    static final class UndecodableInputException extends IOException {
        private static final long serialVersionUID = 1L;

        UndecodableInputException(String message) {
            super(message);
        }
    }

    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private static final int BYTE_BUFFER_SIZE = 64 * 1024;
    private static final int CHAR_BUFFER_SIZE = 32 * 1024;
    private static final int DECLARATION_WINDOW = 1024;

    private final InputStream in;
    private final Charset charset;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes;
    private final CharBuffer chars;
    private final List<String> notes = new ArrayList<>(2);

    private long bytesBeforeBuffer;
    private boolean endOfBytes;
    private boolean flushed;
    private boolean atStart = true;
    private boolean nonAscii;
    private long removedCharacters;
    private UndecodableInputException pending;
    private boolean undecodable;

    private XmlCharacterReader(InputStream in, Mode mode) throws IOException {
        this.in = in;
        this.bytes = ByteBuffer.allocate(BYTE_BUFFER_SIZE);
        this.bytes.limit(0);
        fillBytes(DECLARATION_WINDOW + 4);
        Charset detected = detectCharset();
        if (mode == Mode.DECLARED) {
            this.charset = detected;
            this.decoder = detected.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        } else {
            this.charset = isUtf16Or32(detected) ? detected : WINDOWS_1252;
            this.decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }
        this.chars = CharBuffer.allocate(CHAR_BUFFER_SIZE);
        this.chars.limit(0);
    }

    static XmlCharacterReader open(InputStream in, Mode mode) throws IOException {
        return new XmlCharacterReader(in, mode);
    }

    /** The charset in use. */
    Charset charset() {
        return charset;
    }

    /** What was noticed while choosing the charset (an unknown or contradictory declaration). */
    List<String> notes() {
        return notes;
    }

    /** True once any character outside US-ASCII was decoded: text read so far might decode differently in another charset. */
    boolean nonAsciiSeen() {
        return nonAscii;
    }

    /** True once bytes were found that the charset cannot decode (only in {@link Mode#DECLARED}). */
    boolean undecodable() {
        return undecodable;
    }

    /** Characters dropped because XML 1.0 does not allow them (control characters). */
    long removedCharacters() {
        return removedCharacters;
    }

    /** True when the input holds nothing but whitespace (and BOMs). Reads ahead to the first character. */
    boolean isBlank() throws IOException {
        return !ensureChars();
    }

    @Override
    public int read(char[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!ensureChars()) {
            return -1;
        }
        int n = Math.min(length, chars.remaining());
        chars.get(target, offset, n);
        return n;
    }

    @Override
    public int read() throws IOException {
        return ensureChars() ? chars.get() : -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Makes characters available; false at the end of input. Throws the pending decoding error once all good characters were served. */
    private boolean ensureChars() throws IOException {
        while (!chars.hasRemaining()) {
            if (pending != null) {
                throw pending;
            }
            if (flushed) {
                return false;
            }
            decodeChunk();
        }
        return true;
    }

    private void decodeChunk() throws IOException {
        chars.clear();
        while (chars.position() == 0 && pending == null && !flushed) {
            CoderResult result = decoder.decode(bytes, chars, endOfBytes);
            if (result.isError()) {
                undecodable = true;
                long offset = bytesBeforeBuffer + bytes.position();
                pending = new UndecodableInputException(
                    "the bytes at offset " + offset + " are not valid " + charset.name());
            } else if (result.isUnderflow()) {
                if (endOfBytes) {
                    decoder.flush(chars);
                    flushed = true;
                } else {
                    fillBytes(BYTE_BUFFER_SIZE);
                }
            }
        }
        chars.flip();
        filter();
    }

    /**
     * Drops characters XML 1.0 forbids, and a BOM or whitespace before the first markup. Most
     * characters are printable ASCII, tested first; the array is only rewritten after a drop.
     */
    private void filter() {
        char[] array = chars.array();
        int start = chars.position();
        int end = chars.limit();
        int write = start;
        int read = start;
        if (atStart) {
            while (read < end && (array[read] == '\uFEFF' || isXmlWhitespace(array[read]))) {
                read++;
            }
            if (read < end) {
                atStart = false;
            }
            start = read;
            write = read;
        }
        for (; read < end; read++) {
            char c = array[read];
            if (c >= 0x20 && c < 0x7F) {
                array[write++] = c;
            } else if (c >= 0x80) {
                nonAscii = true;
                if (c < 0xFFFE) {
                    array[write++] = c;
                } else {
                    removedCharacters++;
                }
            } else if (c == '\n' || c == '\t' || c == '\r' || c == 0x7F) {
                array[write++] = c;
            } else {
                removedCharacters++;
            }
        }
        chars.position(start);
        chars.limit(write);
    }

    private static boolean isXmlWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** Tops the byte buffer up to at least {@code wanted} bytes, or to the end of input. */
    private void fillBytes(int wanted) throws IOException {
        bytesBeforeBuffer += bytes.position();
        bytes.compact();
        byte[] array = bytes.array();
        while (bytes.position() < Math.min(wanted, bytes.capacity()) && !endOfBytes) {
            int n = in.read(array, bytes.position(), bytes.capacity() - bytes.position());
            if (n < 0) {
                endOfBytes = true;
            } else {
                bytes.position(bytes.position() + n);
            }
        }
        bytes.flip();
    }

    /** Byte order mark, else UTF-16 without one, else the XML declaration's encoding, else UTF-8. Skips a BOM. */
    private Charset detectCharset() {
        int b0 = peek(0);
        int b1 = peek(1);
        int b2 = peek(2);
        if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
            bytes.position(bytes.position() + 3);
            return StandardCharsets.UTF_8;
        }
        if (b0 == 0xFE && b1 == 0xFF) {
            bytes.position(bytes.position() + 2);
            return StandardCharsets.UTF_16BE;
        }
        if (b0 == 0xFF && b1 == 0xFE) {
            bytes.position(bytes.position() + 2);
            return StandardCharsets.UTF_16LE;
        }
        if (b0 == 0x00 && b1 == '<') {
            return StandardCharsets.UTF_16BE;
        }
        if (b0 == '<' && b1 == 0x00) {
            return StandardCharsets.UTF_16LE;
        }
        String declared = declaredEncoding();
        if (declared == null) {
            return StandardCharsets.UTF_8;
        }
        Charset charset;
        try {
            charset = Charset.forName(declared);
        } catch (IllegalArgumentException unknown) {
            notes.add("the declared encoding '" + declared + "' is unknown: read as UTF-8");
            return StandardCharsets.UTF_8;
        }
        if (isUtf16Or32(charset)) {
            notes.add("the declared encoding '" + declared + "' contradicts the bytes, which are ASCII-compatible: read as UTF-8");
            return StandardCharsets.UTF_8;
        }
        return charset;
    }

    private static boolean isUtf16Or32(Charset charset) {
        String name = charset.name().toUpperCase(Locale.ROOT);
        return name.startsWith("UTF-16") || name.startsWith("UTF-32") || name.startsWith("X-UTF-32");
    }

    private int peek(int index) {
        int at = bytes.position() + index;
        return at < bytes.limit() ? bytes.get(at) & 0xFF : -1;
    }

    /** The encoding pseudo-attribute of an XML declaration at the start (after whitespace), or null. */
    private String declaredEncoding() {
        int at = bytes.position();
        int limit = Math.min(bytes.limit(), at + DECLARATION_WINDOW);
        byte[] array = bytes.array();
        while (at < limit && (array[at] == ' ' || array[at] == '\t' || array[at] == '\r' || array[at] == '\n')) {
            at++;
        }
        String head = new String(array, at, limit - at, StandardCharsets.ISO_8859_1);
        if (!head.startsWith("<?xml")) {
            return null;
        }
        int close = head.indexOf("?>");
        String declaration = close < 0 ? head : head.substring(0, close);
        int key = declaration.indexOf("encoding");
        if (key < 0) {
            return null;
        }
        int i = key + "encoding".length();
        while (i < declaration.length() && Character.isWhitespace(declaration.charAt(i))) {
            i++;
        }
        if (i >= declaration.length() || declaration.charAt(i) != '=') {
            return null;
        }
        i++;
        while (i < declaration.length() && Character.isWhitespace(declaration.charAt(i))) {
            i++;
        }
        if (i >= declaration.length()) {
            return null;
        }
        char quote = declaration.charAt(i);
        if (quote != '"' && quote != '\'') {
            return null;
        }
        int end = declaration.indexOf(quote, i + 1);
        if (end < 0) {
            return null;
        }
        String name = declaration.substring(i + 1, end).strip();
        return name.isEmpty() ? null : name;
    }
}
