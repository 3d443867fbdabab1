package io.jamesdmarc.model;

/**
 * Limits on what one input may cost to read. Defaults admit the largest real reports (Google sends
 * 200,000-record reports of about 150 MB of XML) and refuse decompression bombs at once.
 */
public record ParseLimits(long maxDecompressedBytes,
                          int maxCompressionRatio,
                          int maxZipEntries,
                          int maxMimeDepth,
                          int maxMimeParts,
                          int maxXmlDepth,
                          int maxXmlTextLength,
                          long maxRecords) {

    public static final ParseLimits DEFAULTS = new ParseLimits(
        512L * 1024 * 1024,
        100,
        64,
        10,
        500,
        64,
        1024 * 1024,
        1_000_000);

    public ParseLimits {
        positive(Limit.DECOMPRESSED_BYTES, maxDecompressedBytes);
        positive(Limit.COMPRESSION_RATIO, maxCompressionRatio);
        positive(Limit.ZIP_ENTRIES, maxZipEntries);
        positive(Limit.MIME_DEPTH, maxMimeDepth);
        positive(Limit.MIME_PARTS, maxMimeParts);
        positive(Limit.XML_DEPTH, maxXmlDepth);
        positive(Limit.XML_TEXT_LENGTH, maxXmlTextLength);
        positive(Limit.RECORDS, maxRecords);
    }

    /** The configured value of {@code limit}. */
    public long valueOf(Limit limit) {
        return switch (limit) {
            case DECOMPRESSED_BYTES -> maxDecompressedBytes;
            case COMPRESSION_RATIO -> maxCompressionRatio;
            case ZIP_ENTRIES -> maxZipEntries;
            case MIME_DEPTH -> maxMimeDepth;
            case MIME_PARTS -> maxMimeParts;
            case XML_DEPTH -> maxXmlDepth;
            case XML_TEXT_LENGTH -> maxXmlTextLength;
            case RECORDS -> maxRecords;
        };
    }

    /** A copy with one limit changed; how configuration (init parameters, properties, CLI) applies settings. */
    public ParseLimits with(Limit limit, long value) {
        return new ParseLimits(
            limit == Limit.DECOMPRESSED_BYTES ? value : maxDecompressedBytes,
            limit == Limit.COMPRESSION_RATIO ? Math.toIntExact(value) : maxCompressionRatio,
            limit == Limit.ZIP_ENTRIES ? Math.toIntExact(value) : maxZipEntries,
            limit == Limit.MIME_DEPTH ? Math.toIntExact(value) : maxMimeDepth,
            limit == Limit.MIME_PARTS ? Math.toIntExact(value) : maxMimeParts,
            limit == Limit.XML_DEPTH ? Math.toIntExact(value) : maxXmlDepth,
            limit == Limit.XML_TEXT_LENGTH ? Math.toIntExact(value) : maxXmlTextLength,
            limit == Limit.RECORDS ? value : maxRecords);
    }

    private static void positive(Limit limit, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(limit.key() + " must be positive, was " + value);
        }
    }
}
