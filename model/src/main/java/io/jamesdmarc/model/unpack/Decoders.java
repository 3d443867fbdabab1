package io.jamesdmarc.model.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.ParseLimits;

/**
 * The decoding layers the extractor peels: each takes the bytes of the layer around it and gives
 * the bytes inside, as a {@link ByteSource} that decodes again (streaming) each time it is opened.
 */
final class Decoders {

    private Decoders() {
    }

    static ByteSource gunzip(ByteSource compressed, ParseLimits limits) {
        return inflating(compressed, InflatingInputStream.Format.GZIP, limits);
    }

    static ByteSource inflateZlib(ByteSource compressed, ParseLimits limits) {
        return inflating(compressed, InflatingInputStream.Format.ZLIB, limits);
    }

    /** Base64 text, line breaks and other whitespace ignored. */
    static ByteSource base64(ByteSource text, ParseLimits limits) {
        return new ByteSource() {
            @Override
            public InputStream openStream() throws IOException {
                return new LimitedInputStream(Base64.getMimeDecoder().wrap(text.openStream()), new StreamLimits(limits), null);
            }
        };
    }

    private static ByteSource inflating(ByteSource compressed, InflatingInputStream.Format format, ParseLimits limits) {
        return new ByteSource() {
            @Override
            public InputStream openStream() throws IOException {
                InputStream raw = compressed.openStream();
                try {
                    return new InflatingInputStream(raw, format, new StreamLimits(limits));
                } catch (IOException | RuntimeException e) {
                    closeQuietly(raw, e);
                    throw e;
                }
            }
        };
    }

    static void closeQuietly(InputStream stream, Exception pending) {
        try {
            stream.close();
        } catch (IOException e) {
            pending.addSuppressed(e);
        }
    }
}
