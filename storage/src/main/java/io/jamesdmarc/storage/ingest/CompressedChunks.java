package io.jamesdmarc.storage.ingest;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw bytes in MariaDB's {@code COMPRESS()} format (4 bytes of length, low byte first, then a zlib
 * stream), so that {@code UNCOMPRESS(data)} reads them back in plain SQL. Kept in pieces of at most
 * {@link #CHUNK_BYTES}, well under any server's max_allowed_packet.
 */
public final class CompressedChunks {

    public static final int CHUNK_BYTES = 1024 * 1024;

    private CompressedChunks() {
    }

    /** One piece of {@code raw}, compressed. */
    static byte[] compress(byte[] raw, int offset, int length) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(raw, offset, length);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 4));
            out.write(length & 0xff);
            out.write(length >>> 8 & 0xff);
            out.write(length >>> 16 & 0xff);
            out.write(length >>> 24 & 0x3f);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** The bytes of one piece. */
    public static byte[] uncompress(byte[] chunk) throws DataFormatException {
        if (chunk.length == 0) {
            return chunk;
        }
        if (chunk.length < 4) {
            throw new DataFormatException("a compressed piece of " + chunk.length + " bytes has no length header");
        }
        int length = (chunk[0] & 0xff) | (chunk[1] & 0xff) << 8 | (chunk[2] & 0xff) << 16 | (chunk[3] & 0x3f) << 24;
        if (length > CHUNK_BYTES) {
            throw new DataFormatException("a compressed piece claims " + length + " bytes, more than " + CHUNK_BYTES);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(chunk, 4, chunk.length - 4);
            byte[] raw = new byte[length];
            int done = 0;
            while (done < length) {
                int n = inflater.inflate(raw, done, length - done);
                if (n == 0 && (inflater.finished() || inflater.needsInput())) {
                    throw new DataFormatException("a compressed piece ends after " + done + " of " + length + " bytes");
                }
                done += n;
            }
            return raw;
        } finally {
            inflater.end();
        }
    }
}
