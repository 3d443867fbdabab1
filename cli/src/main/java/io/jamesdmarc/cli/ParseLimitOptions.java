package io.jamesdmarc.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.ParseLimits;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The limits that protect the tool from hostile input ({@link ParseLimits}), one option each,
 * named after its {@link Limit#key()} ({@code maxDecompressedBytes} is {@code --max-decompressed-bytes}),
 * defaulting to {@link ParseLimits#DEFAULTS}. For {@code dmarc parse} and {@code dmarc import}.
 */
public final class ParseLimitOptions {

    @Option(names = "--max-decompressed-bytes", paramLabel = "SIZE", converter = ByteSize.Converter.class,
        description = "Most bytes any one decompressed stream (gzip, zip member, zlib, base64 part) may produce; "
            + "K, M, G suffixes allowed (powers of 1024). Default: ${DEFAULT-VALUE}.")
    ByteSize maxDecompressedBytes = new ByteSize(ParseLimits.DEFAULTS.maxDecompressedBytes());

    @Option(names = "--max-compression-ratio", paramLabel = "N",
        description = "Most decompressed bytes per compressed byte (a decompression bomb has thousands). Default: ${DEFAULT-VALUE}.")
    int maxCompressionRatio = ParseLimits.DEFAULTS.maxCompressionRatio();

    @Option(names = "--max-zip-entries", paramLabel = "N", description = "Most members in one zip archive. Default: ${DEFAULT-VALUE}.")
    int maxZipEntries = ParseLimits.DEFAULTS.maxZipEntries();

    @Option(names = "--max-mime-depth", paramLabel = "N",
        description = "Deepest nesting of containers (multiparts, attached messages, archives in archives). Default: ${DEFAULT-VALUE}.")
    int maxMimeDepth = ParseLimits.DEFAULTS.maxMimeDepth();

    @Option(names = "--max-mime-parts", paramLabel = "N", description = "Most MIME parts in one message. Default: ${DEFAULT-VALUE}.")
    int maxMimeParts = ParseLimits.DEFAULTS.maxMimeParts();

    @Option(names = "--max-xml-depth", paramLabel = "N", description = "Deepest element nesting in an XML report. Default: ${DEFAULT-VALUE}.")
    int maxXmlDepth = ParseLimits.DEFAULTS.maxXmlDepth();

    @Option(names = "--max-xml-text-length", paramLabel = "SIZE", converter = ByteSize.Converter.class,
        description = "Most characters of one XML text value or extension; K, M suffixes allowed. Default: ${DEFAULT-VALUE}.")
    ByteSize maxXmlTextLength = new ByteSize(ParseLimits.DEFAULTS.maxXmlTextLength());

    @Option(names = "--max-records", paramLabel = "N", description = "Most <record> elements in one aggregate report. Default: ${DEFAULT-VALUE}.")
    long maxRecords = ParseLimits.DEFAULTS.maxRecords();

    /**
     * The limits as given.
     *
     * @throws CommandLine.ParameterException a limit is zero, negative or too large
     */
    public ParseLimits limits(CommandLine commandLine) {
        try {
            return new ParseLimits(maxDecompressedBytes.bytes(), maxCompressionRatio, maxZipEntries, maxMimeDepth, maxMimeParts,
                maxXmlDepth, Math.toIntExact(maxXmlTextLength.bytes()), maxRecords);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CommandLine.ParameterException(commandLine, "invalid limit: " + optionNames(e.getMessage()), e);
        }
    }

    /** The model names limits by key ("maxRecords must be positive"): say the option instead. */
    private static String optionNames(String message) {
        String text = message == null ? "a value is out of range" : message;
        for (Limit limit : Limit.values()) {
            text = text.replace(limit.key(), optionName(limit));
        }
        return text;
    }

    /** {@code --max-decompressed-bytes} for {@code maxDecompressedBytes}. */
    public static String optionName(Limit limit) {
        return "--" + limit.key().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
    }

    /** A size in bytes (or characters) written with an optional K, M or G suffix (powers of 1024). */
    public record ByteSize(long bytes) {
        private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]?)(?:i?B)?", Pattern.CASE_INSENSITIVE);

        /** As short as it goes: 512M, 1M, 1000. */
        @Override
        public String toString() {
            String[] units = {"G", "M", "K"};
            long[] factors = {1L << 30, 1L << 20, 1L << 10};
            for (int i = 0; i < units.length; i++) {
                if (bytes >= factors[i] && bytes % factors[i] == 0) {
                    return bytes / factors[i] + units[i];
                }
            }
            return Long.toString(bytes);
        }

        public static final class Converter implements CommandLine.ITypeConverter<ByteSize> {
            @Override
            public ByteSize convert(String value) {
                Matcher matcher = SIZE.matcher(value.strip());
                if (!matcher.matches()) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not a size (e.g. 1048576, 64K, 512M, 1G)");
                }
                long number = Long.parseLong(matcher.group(1));
                int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
                    case "K" -> 10;
                    case "M" -> 20;
                    case "G" -> 30;
                    default -> 0;
                };
                if (number > Long.MAX_VALUE >> shift) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is too large");
                }
                return new ByteSize(number << shift);
            }
        }
    }
}
