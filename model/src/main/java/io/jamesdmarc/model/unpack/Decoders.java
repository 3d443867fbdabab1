package io.jamesdmarc.model.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.function.Consumer;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.ParseLimits;

/**
 * The decoding layers the extractor peels: each takes the bytes of the layer around it and gives
 * the bytes inside, as a {@link ByteSource} that decodes again (streaming) each time it is opened.
 */
final class Decoders {

    private Decoders() {
    }

    /** @param notes told what was tolerated, such as bytes after the end of the data */
    static ByteSource gunzip(ByteSource compressed, ParseLimits limits, Consumer<String> notes) {
        return inflating(compressed, InflatingInputStream.Format.GZIP, limits, notes);
    }

    /** @param notes told what was tolerated, such as bytes after the end of the data */
    static ByteSource inflateZlib(ByteSource compressed, ParseLimits limits, Consumer<String> notes) {
        return inflating(compressed, InflatingInputStream.Format.ZLIB, limits, notes);
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

    private static ByteSource inflating(ByteSource compressed, InflatingInputStream.Format format, ParseLimits limits,
                                        Consumer<String> notes) {
        return new ByteSource() {
            @Override
            public InputStream openStream() throws IOException {
                InputStream raw = compressed.openStream();
                try {
                    return new InflatingInputStream(raw, format, new StreamLimits(limits), notes);
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
