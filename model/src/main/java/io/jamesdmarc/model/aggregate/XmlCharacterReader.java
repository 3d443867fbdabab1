package io.jamesdmarc.model.aggregate;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The characters of a report's bytes, decoded as the XML parser would but forgiving what real
 * reporters send: we choose the charset ourselves (byte order mark, else the XML declaration, else
 * UTF-8) so that bytes invalid in it are detected rather than silently replaced, skip a BOM and
 * whitespace before the first markup, and drop characters XML 1.0 forbids (a BEL in a comment makes
 * a whole report unreadable to a strict parser, yet carries no data).
 *
 * <p>Reading ahead: a second thread reads the bytes (decompressing them, when the source is a
 * compressed stream), decodes and filters them, and hands chunks of characters over through a
 * small bounded queue, so the parser and the decompression each get a core. Memory is a few chunks
 * whatever the size of the report. Closing stops that thread and closes the stream.
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
    private static final int CHUNK_SIZE = 16 * 1024;
    private static final int CHUNKS_IN_FLIGHT = 4;
    private static final int DECLARATION_WINDOW = 1024;
    private static final long STOP_PATIENCE_MILLIS = 5_000;

    /** Characters decoded by the read-ahead thread, with what it knew once it had decoded them. */
    private record Chunk(char[] chars, int length, boolean nonAsciiSoFar, long removedSoFar, IOException failure) {
        boolean isEnd() {
            return chars == null;
        }
    }

    private final InputStream in;
    private final Charset charset;
    private final List<String> notes;
    private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(CHUNKS_IN_FLIGHT + 1);
    private final BlockingQueue<char[]> free = new ArrayBlockingQueue<>(CHUNKS_IN_FLIGHT);
    private final Thread readAhead;

    private Chunk current;
    private int position;
    private boolean nonAscii;
    private long removedCharacters;
    private boolean undecodable;
    private IOException failure;
    private boolean closed;

    private XmlCharacterReader(InputStream in, Mode mode) throws IOException {
        this.in = in;
        Decoding decoding = new Decoding(in, mode);
        this.charset = decoding.charset;
        this.notes = decoding.notes;
        for (int i = 0; i < CHUNKS_IN_FLIGHT; i++) {
            free.add(new char[CHUNK_SIZE]);
        }
        this.readAhead = Thread.ofPlatform().daemon().name("dmarc-report-read-ahead").unstarted(() -> produce(decoding));
        readAhead.start();
    }

    /** Starts reading {@code in}; the reader owns it from now on and closes it. */
    static XmlCharacterReader open(InputStream in, Mode mode) throws IOException {
        try {
            return new XmlCharacterReader(in, mode);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The charset in use. */
    Charset charset() {
        return charset;
    }

    /** What was noticed while choosing the charset (an unknown or contradictory declaration). */
    List<String> notes() {
        return notes;
    }

    /** True once any character outside US-ASCII was read: text read so far might decode differently in another charset. */
    boolean nonAsciiSeen() {
        return nonAscii;
    }

    /** True once bytes were reached that the charset cannot decode (only in {@link Mode#DECLARED}). */
    boolean undecodable() {
        return undecodable;
    }

    /** Characters dropped so far because XML 1.0 does not allow them (control characters). */
    long removedCharacters() {
        return removedCharacters;
    }

    /** True when the input holds nothing but whitespace (and BOMs). Waits for the first character. */
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
        int n = Math.min(length, current.length() - position);
        System.arraycopy(current.chars(), position, target, offset, n);
        position += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        return ensureChars() ? current.chars()[position++] : -1;
    }

    /** Stops the read-ahead thread (waiting for it a few seconds at most) and closes the stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        readAhead.interrupt();
        try {
            readAhead.join(STOP_PATIENCE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            in.close();
        }
    }

    /** Makes characters available; false at the end of input. Throws what stopped the reading once all good characters were served. */
    private boolean ensureChars() throws IOException {
        while (current == null || position == current.length()) {
            if (failure != null) {
                throw failure;
            }
            if (closed) {
                throw new IOException("the report reader was closed");
            }
            if (current != null) {
                if (current.isEnd()) {
                    return false;
                }
                free.offer(current.chars());
            }
            try {
                current = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading a report");
            }
            position = 0;
            nonAscii = current.nonAsciiSoFar();
            removedCharacters = current.removedSoFar();
            if (current.isEnd() && current.failure() != null) {
                failure = current.failure();
                undecodable = failure instanceof UndecodableInputException;
                throw failure;
            }
        }
        return true;
    }

    /** The read-ahead thread: decodes chunk after chunk until the end, a failure, or being stopped. */
    private void produce(Decoding decoding) {
        IOException failure = null;
        try {
            while (true) {
                char[] chunk = free.take();
                int length = decoding.decode(chunk);
                if (length < 0) {
                    failure = decoding.pending;
                    break;
                }
                filled.put(new Chunk(chunk, length, decoding.nonAscii, decoding.removed, null));
            }
        } catch (InterruptedException stopped) {
            return;
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            // a decompressing stream may fail unchecked on hostile bytes: the report is unreadable, not the reader broken
            failure = new IOException(e.toString(), e);
        }
        try {
            filled.put(new Chunk(null, 0, decoding.nonAscii, decoding.removed, failure));
        } catch (InterruptedException stopped) {
            // closed: nobody waits for the end any more
        }
    }

    /** Charset choice, decoding and filtering; used by the read-ahead thread once constructed. */
    private static final class Decoding {
        private final InputStream in;
        private final ByteBuffer bytes = ByteBuffer.allocate(BYTE_BUFFER_SIZE);
        private final List<String> notes = new ArrayList<>(2);
        private final Charset charset;
        private final CharsetDecoder decoder;
        private long bytesBeforeBuffer;
        private boolean endOfBytes;
        private boolean flushed;
        private boolean atStart = true;
        private boolean nonAscii;
        private long removed;
        private UndecodableInputException pending;

        Decoding(InputStream in, Mode mode) throws IOException {
            this.in = in;
            bytes.limit(0);
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
        }

        /** Fills {@code target} with filtered characters; -1 at the end of input or at undecodable bytes ({@link #pending}). */
        int decode(char[] target) throws IOException {
            CharBuffer chars = CharBuffer.wrap(target);
            while (true) {
                while (chars.position() == 0 && pending == null && !flushed) {
                    CoderResult result = decoder.decode(bytes, chars, endOfBytes);
                    if (result.isError()) {
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
                if (chars.position() == 0) {
                    return -1;
                }
                int length = filter(target, chars.position());
                if (length > 0) {
                    return length;
                }
                chars.clear();
            }
        }

        /**
         * Drops characters XML 1.0 forbids, and a BOM or whitespace before the first markup, in
         * place. Most characters are printable ASCII, tested first.
         */
        private int filter(char[] array, int end) {
            int read = 0;
            if (atStart) {
                while (read < end && (array[read] == '\uFEFF' || isXmlWhitespace(array[read]))) {
                    read++;
                }
                if (read < end) {
                    atStart = false;
                }
            }
            int write = 0;
            for (; read < end; read++) {
                char c = array[read];
                if (c >= 0x20 && c < 0x7F) {
                    array[write++] = c;
                } else if (c >= 0x80) {
                    nonAscii = true;
                    if (c < 0xFFFE) {
                        array[write++] = c;
                    } else {
                        removed++;
                    }
                } else if (c == '\n' || c == '\t' || c == '\r' || c == 0x7F) {
                    array[write++] = c;
                } else {
                    removed++;
                }
            }
            return write;
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
            Charset named;
            try {
                named = Charset.forName(declared);
            } catch (IllegalArgumentException unknown) {
                notes.add("the declared encoding '" + declared + "' is unknown: read as UTF-8");
                return StandardCharsets.UTF_8;
            }
            if (isUtf16Or32(named)) {
                notes.add("the declared encoding '" + declared + "' contradicts the bytes, which are ASCII-compatible: read as UTF-8");
                return StandardCharsets.UTF_8;
            }
            return named;
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
            int i = skipSpaces(declaration, key + "encoding".length());
            if (i >= declaration.length() || declaration.charAt(i) != '=') {
                return null;
            }
            i = skipSpaces(declaration, i + 1);
            if (i >= declaration.length()) {
                return null;
            }
            char quote = declaration.charAt(i);
            int end = quote == '"' || quote == '\'' ? declaration.indexOf(quote, i + 1) : -1;
            if (end < 0) {
                return null;
            }
            String name = declaration.substring(i + 1, end).strip();
            return name.isEmpty() ? null : name;
        }

        private static int skipSpaces(String text, int from) {
            int i = from;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            return i;
        }
    }

    private static boolean isUtf16Or32(Charset charset) {
        String name = charset.name().toUpperCase(Locale.ROOT);
        return name.startsWith("UTF-16") || name.startsWith("UTF-32") || name.startsWith("X-UTF-32");
    }
}
