package io.jamesdmarc.model.unpack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

import com.google.common.io.ByteSource;

import jakarta.mail.internet.SharedInputStream;

/**
 * A {@link SharedInputStream} over a {@link ByteSource}: jakarta.mail parses a message from it and
 * gives each part a slice of the source instead of a copy, so a big attachment is decoded straight
 * from where it lies (a file, an archive member, the mail James holds) when it is read.
 */
final class SharedByteSourceStream extends InputStream implements SharedInputStream {

    private final ByteSource source;
    private InputStream in;
    private long position;
    private long markedPosition;

    SharedByteSourceStream(ByteSource source) {
        this.source = source;
    }

    private InputStream in() throws IOException {
        if (in == null) {
            in = new BufferedInputStream(source.openStream(), 16 * 1024);
        }
        return in;
    }

    @Override
    public int read() throws IOException {
        int b = in().read();
        if (b >= 0) {
            position++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in().read(b, off, len);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in().skip(n);
        position += skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return in().available();
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readlimit) {
        try {
            in().mark(readlimit);
            markedPosition = position;
        } catch (IOException e) {
            // the next reset fails and says why
        }
    }

    @Override
    public synchronized void reset() throws IOException {
        in().reset();
        position = markedPosition;
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }

    @Override
    public long getPosition() {
        return position;
    }

    @Override
    public InputStream newStream(long start, long end) {
        if (start < 0) {
            throw new IllegalArgumentException("start < 0");
        }
        long length = end < 0 ? Long.MAX_VALUE : end - start;
        return new SharedByteSourceStream(source.slice(start, Math.max(0, length)));
    }
}
