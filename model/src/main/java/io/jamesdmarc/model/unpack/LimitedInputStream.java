package io.jamesdmarc.model.unpack;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/** Counts the bytes a decoder produces against the limits; the decoder itself may not be trusted to. */
final class LimitedInputStream extends FilterInputStream {

    private static final LongSupplier NOT_COMPRESSED = () -> -1;

    private final StreamLimits limits;
    private final LongSupplier compressed;

    /**
     * @param compressed input consumed so far by the decoder, for the ratio; {@code null} where the
     *                   data is not compressed (base64)
     */
    LimitedInputStream(InputStream in, StreamLimits limits, LongSupplier compressed) {
        super(in);
        this.limits = limits;
        this.compressed = compressed == null ? NOT_COMPRESSED : compressed;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            limits.produced(1, compressed.getAsLong());
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, limits.allowance(len));
        if (n > 0) {
            limits.produced(n, compressed.getAsLong());
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipping still decodes: count it like reading
        byte[] discard = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int read = read(discard, 0, (int) Math.min(discard.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
