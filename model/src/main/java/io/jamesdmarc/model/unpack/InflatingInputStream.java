package io.jamesdmarc.model.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;

/**
 * Inflates a gzip file (every member of a concatenated one) or a raw zlib stream, counting real
 * output against the limits as it goes, so a bomb is refused after about a megabyte, not after a gigabyte.
 *
 * <p>Bytes after the last complete, checksum-verified gzip member are ignored: Mimecast appends a
 * CRLF, and the data before it is intact. A stream that ends inside a member is an error.
 */
final class InflatingInputStream extends InputStream {

    enum Format {
        GZIP("gzip"), ZLIB("zlib");

        private final String label;

        Format(String label) {
            this.label = label;
        }
    }

    /** How far bytes after the data are counted for the note about them. */
    private static final long MAX_TRAILING_COUNTED = 1024 * 1024;

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final InputStream in;
    private final Format format;
    private final StreamLimits limits;
    private final Consumer<String> notes;
    private final Inflater inflater;
    private final CRC32 crc = new CRC32();
    private final byte[] buffer = new byte[8192];
    private int bufferPosition;
    private int bufferLength;
    private long compressedRead;
    private long memberOutput;
    private boolean ended;

    /** @param notes told what was tolerated, e.g. bytes after the end of the data */
    InflatingInputStream(InputStream in, Format format, StreamLimits limits, Consumer<String> notes) throws IOException {
        this.in = in;
        this.format = format;
        this.limits = limits;
        this.notes = notes;
        this.inflater = new Inflater(format == Format.GZIP);
        if (format == Format.GZIP) {
            if (readByte() != 0x1f || readByte() != 0x8b) {
                throw corrupt("not a gzip stream");
            }
            readGzipHeaderAfterMagic();
        }
        giveBufferedInput();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n;
            try {
                n = inflater.inflate(b, off, limits.allowance(len));
            } catch (DataFormatException e) {
                throw corrupt(e.getMessage() == null ? "invalid compressed data" : e.getMessage());
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberOutput += n;
                limits.produced(n, compressedRead - inflater.getRemaining());
                return n;
            }
            if (inflater.finished()) {
                if (!nextMember()) {
                    ended = true;
                    return -1;
                }
            } else if (inflater.needsDictionary()) {
                throw corrupt("the stream needs a preset dictionary");
            } else if (inflater.needsInput() && !fill()) {
                throw corrupt("truncated: the stream ends after " + compressedRead + " compressed bytes, inside the data");
            }
        }
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }

    /** After a member's data: checks its trailer, then starts the next member if one follows. */
    private boolean nextMember() throws IOException {
        bufferPosition = bufferLength - inflater.getRemaining();
        if (format == Format.ZLIB) {
            noteTrailingBytes(0); // the inflater checked the Adler-32 trailer; what follows is not ours
            return false;
        }
        long expectedCrc = readTrailerInt();
        long expectedSize = readTrailerInt();
        if (expectedCrc != crc.getValue()) {
            throw corrupt("CRC mismatch: the data is damaged");
        }
        if (expectedSize != (memberOutput & 0xffffffffL)) {
            throw corrupt("length mismatch: the trailer says " + expectedSize + " bytes, the data has " + memberOutput);
        }
        int first = readByte();
        if (first < 0) {
            return false;
        }
        int second = readByte();
        if (first != 0x1f || second != 0x8b) {
            noteTrailingBytes(second < 0 ? 1 : 2); // after a verified member, e.g. Mimecast's CRLF
            return false;
        }
        readGzipHeaderAfterMagic();
        inflater.reset();
        crc.reset();
        memberOutput = 0;
        giveBufferedInput();
        return true;
    }

    /** Counts what follows the data (up to a limit: it is read for nothing else) and says it was ignored. */
    private void noteTrailingBytes(long alreadyRead) throws IOException {
        long trailing = alreadyRead + (bufferLength - bufferPosition);
        bufferPosition = bufferLength;
        for (int n = 0; n >= 0 && trailing <= MAX_TRAILING_COUNTED; n = in.read(buffer)) {
            trailing += n;
        }
        if (trailing > 0) {
            notes.accept(format.label + ": ignored " + (trailing > MAX_TRAILING_COUNTED ? "over a megabyte" : trailing + " bytes")
                + " after the end of the compressed data");
        }
    }

    private void readGzipHeaderAfterMagic() throws IOException {
        int method = requireByte("header");
        if (method != 8) {
            throw corrupt("unsupported compression method " + method);
        }
        int flags = requireByte("header");
        for (int i = 0; i < 6; i++) {
            requireByte("header"); // MTIME, XFL, OS
        }
        if ((flags & FEXTRA) != 0) {
            int length = requireByte("header") | requireByte("header") << 8;
            for (int i = 0; i < length; i++) {
                requireByte("header");
            }
        }
        if ((flags & FNAME) != 0) {
            while (requireByte("header") != 0) {
                // the original file name: not needed
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (requireByte("header") != 0) {
                // a comment: not needed
            }
        }
        if ((flags & FHCRC) != 0) {
            requireByte("header");
            requireByte("header");
        }
    }

    private long readTrailerInt() throws IOException {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (long) requireByte("trailer") << (8 * i);
        }
        return value;
    }

    private int requireByte(String where) throws IOException {
        int b = readByte();
        if (b < 0) {
            throw corrupt("truncated: the stream ends after " + compressedRead + " bytes, inside the " + where);
        }
        return b;
    }

    private int readByte() throws IOException {
        if (bufferPosition >= bufferLength) {
            int n = in.read(buffer);
            if (n < 0) {
                return -1;
            }
            bufferPosition = 0;
            bufferLength = n;
            compressedRead += n;
        }
        return buffer[bufferPosition++] & 0xff;
    }

    private void giveBufferedInput() {
        inflater.setInput(buffer, bufferPosition, bufferLength - bufferPosition);
        bufferPosition = bufferLength;
    }

    private boolean fill() throws IOException {
        int n = in.read(buffer);
        if (n < 0) {
            return false;
        }
        bufferPosition = 0;
        bufferLength = n;
        compressedRead += n;
        giveBufferedInput();
        return true;
    }

    private ContainerIOException corrupt(String why) {
        return new ContainerIOException(new ReportParseException(Problem.CORRUPT_CONTAINER,
            "corrupt " + format.label + ": " + why));
    }
}
