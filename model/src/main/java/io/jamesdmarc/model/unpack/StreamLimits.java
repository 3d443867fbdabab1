package io.jamesdmarc.model.unpack;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;

/**
 * Counts what one decoded stream produces against {@link Limit#DECOMPRESSED_BYTES} and
 * {@link Limit#COMPRESSION_RATIO}. Real bytes are counted, whatever a container header claims. Problems
 * name no location: whoever walks the containers knows it and adds it.
 */
final class StreamLimits {

    /** Output below this never breaches the ratio: small files compress unevenly and are harmless. */
    static final long RATIO_FLOOR = 1024 * 1024;

    private final ParseLimits limits;
    private long produced;

    StreamLimits(ParseLimits limits) {
        this.limits = limits;
    }

    /** How much of a {@code wanted}-byte read to allow, so that a breach is seen at the first byte past the limit. */
    int allowance(int wanted) {
        long left = limits.maxDecompressedBytes() - produced + 1;
        return (int) Math.max(1, Math.min(wanted, left));
    }

    /**
     * Records {@code count} more output bytes.
     *
     * @param compressed input consumed so far, or a negative number where the stream is not compressed
     */
    void produced(long count, long compressed) throws ContainerIOException {
        produced += count;
        if (produced > limits.maxDecompressedBytes()) {
            throw new ContainerIOException(
                new LimitExceededException(Limit.DECOMPRESSED_BYTES, limits.maxDecompressedBytes(), null));
        }
        if (compressed >= 0 && produced > RATIO_FLOOR && produced > Math.max(compressed, 1) * limits.maxCompressionRatio()) {
            throw new ContainerIOException(
                new LimitExceededException(Limit.COMPRESSION_RATIO, limits.maxCompressionRatio(), null));
        }
    }

    long produced() {
        return produced;
    }
}
