package io.jamesdmarc.model;

/** The limits that protect us from hostile reports; each is named by its configuration key. */
public enum Limit {
    /** Bytes any one decompressed stream (gzip, zip member, zlib, base64 part) may produce. */
    DECOMPRESSED_BYTES("maxDecompressedBytes"),
    /** Decompressed bytes per compressed byte, checked once the output passes a small floor. */
    COMPRESSION_RATIO("maxCompressionRatio"),
    /** Members in one zip archive. */
    ZIP_ENTRIES("maxZipEntries"),
    /** Nesting of containers: multiparts, attached messages, archives inside archives. */
    MIME_DEPTH("maxMimeDepth"),
    /** MIME parts in one message. */
    MIME_PARTS("maxMimeParts"),
    /** Element nesting in an XML report. */
    XML_DEPTH("maxXmlDepth"),
    /** Characters of one XML text value or extension. */
    XML_TEXT_LENGTH("maxXmlTextLength"),
    /** {@code <record>} elements in one aggregate report. */
    RECORDS("maxRecords");

    private final String key;

    Limit(String key) {
        this.key = key;
    }

    /** The name of the setting (init parameter, {@code dmarc.properties} key, CLI option suffix). */
    public String key() {
        return key;
    }
}
