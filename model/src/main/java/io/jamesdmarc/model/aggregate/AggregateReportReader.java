package io.jamesdmarc.model.aggregate;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;

/**
 * Reads aggregate reports (RFC 7489 and RFC 9990 XML) as real reporters write them, streaming:
 * the header, then one record at a time, so memory stays flat for reports of 200,000 records.
 *
 * <p>Secure by construction: no DTD, no external entity, no entity expansion; element depth, text
 * length and number of records are bounded by {@link ParseLimits}.
 *
 * <p>Tolerant where real reports need it, and says so in {@link AggregateReadSummary#warnings()}:
 * any namespace or prefix, a BOM, a declared windows-1252, control characters (dropped), values
 * outside the standard vocabularies (kept as written), legacy element names, a report wrapped in
 * another element or followed by garbage (read up to {@code </feedback>}), and bytes invalid in the
 * declared charset (the document is read again as windows-1252). Anything else fails with a
 * {@link ReportParseException} saying where and what.
 *
 * <p>The input: the {@link ByteSource}'s stream is read (and so decompressed, when the source
 * decompresses) on a read-ahead thread while the parser works on the caller's, and closed once
 * the read ends. When that stream fails with an {@link IOException} caused by a
 * {@link ReportParseException} (a {@link io.jamesdmarc.model.LimitExceededException} of a
 * decompression limit, say), that exception comes out unchanged; any other {@code IOException}
 * becomes a {@link Problem#CORRUPT_CONTAINER} error.
 *
 * <p>Thread-safe: one instance serves every thread.
 */
public final class AggregateReportReader {

    /** Passes over one document: normal, after records found before the header, each again in the fallback charset. */
    private static final int MAX_PASSES = 4;

    private final ParseLimits limits;

    public AggregateReportReader(ParseLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A reader with {@link ParseLimits#DEFAULTS}. */
    public static AggregateReportReader withDefaultLimits() {
        return new AggregateReportReader(ParseLimits.DEFAULTS);
    }

    /**
     * Streams one XML document: {@code handler.header(...)} once before any record, then each
     * record in document order. {@code xml} may be opened more than once (to read the document
     * again in another charset, or when records come before the header); records already handed
     * over are not handed over again.
     *
     * @throws ReportParseException the document is not a readable report; records may have been handed over before
     * @throws X whatever the handler threw, unchanged
     * @throws java.io.UncheckedIOException wrapping an {@link InterruptedIOException} when the calling thread was
     *                                      interrupted (the report itself may be fine)
     */
    public <X extends Exception> AggregateReadSummary read(ByteSource xml, AggregateReportHandler<X> handler)
        throws ReportParseException, X {
        Objects.requireNonNull(xml, "xml");
        Delivery<X> delivery = new Delivery<>(Objects.requireNonNull(handler, "handler"));
        try {
            return readPasses(xml, delivery);
        } catch (HandlerFailure failure) {
            throw delivery.unwrap(failure);
        }
    }

    /** Convenience for small reports and tests: everything in memory. */
    public ParsedAggregateReport readAll(ByteSource xml) throws ReportParseException {
        List<ReportRecord> records = new ArrayList<>();
        AggregateReadSummary summary = read(xml, new AggregateReportHandler<RuntimeException>() {
            @Override
            public void header(AggregateReport report) {
            }

            @Override
            public void record(ReportRecord record) {
                records.add(record);
            }
        });
        return new ParsedAggregateReport(summary, records);
    }

    private AggregateReadSummary readPasses(ByteSource xml, Delivery<?> delivery) throws ReportParseException {
        XmlCharacterReader.Mode mode = XmlCharacterReader.Mode.DECLARED;
        AggregateReport knownHeader = null;
        boolean knownHeaderAscii = false;
        String fallbackWarning = null;
        for (int pass = 1; pass <= MAX_PASSES; pass++) {
            ReadWarnings warnings = new ReadWarnings();
            if (fallbackWarning != null) {
                warnings.add(fallbackWarning);
            }
            try (XmlCharacterReader characters = XmlCharacterReader.open(xml.openStream(), mode)) {
                try {
                    if (characters.isBlank()) {
                        throw new ReportParseException(Problem.EMPTY_INPUT, "the report is empty (no XML at all)");
                    }
                    characters.notes().forEach(warnings::add);
                    try (XmlCursor cursor = XmlCursor.open(newInputFactory(), characters, limits, warnings)) {
                        return new AggregateDocumentParser(cursor, characters, delivery, warnings, knownHeader, knownHeaderAscii)
                            .parse();
                    }
                } catch (AggregateDocumentParser.RecordsBeforeHeader restart) {
                    // rare: records came first; now the header is known, read again and stream them
                    knownHeader = restart.header();
                    knownHeaderAscii = restart.asciiOnly();
                } catch (XmlCursor.UndecodableDocument undecodable) {
                    if (mode == XmlCharacterReader.Mode.FALLBACK || !delivery.canReplay(characters.nonAsciiSeen())) {
                        throw new ReportParseException(Problem.MALFORMED_XML, undecodable.getMessage()
                            + (mode == XmlCharacterReader.Mode.FALLBACK ? ""
                            : "; the records before it, decoded as " + characters.charset().name()
                                + ", were already handed over, so the report cannot be read again in another charset"),
                            undecodable);
                    }
                    fallbackWarning = undecodable.getMessage() + ": read the whole report as "
                        + (characters.charset().name().startsWith("UTF-16")
                            ? characters.charset().name() + " with replacement characters" : "windows-1252");
                    mode = XmlCharacterReader.Mode.FALLBACK;
                    if (!delivery.headerDelivered()) {
                        knownHeader = null;
                    }
                }
            } catch (IOException e) {
                throw unreadable(e);
            }
        }
        throw new IllegalStateException("read the report " + MAX_PASSES + " times without finishing");
    }

    private static ReportParseException unreadable(IOException e) {
        if (e instanceof InterruptedIOException interrupted) {
            // the thread is being stopped: nothing is wrong with the report
            throw new UncheckedIOException(interrupted);
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ReportParseException reportProblem) {
                return reportProblem;
            }
        }
        return new ReportParseException(Problem.CORRUPT_CONTAINER, "the input could not be read: " + e.getMessage(), e);
    }

    /** The JDK's own StAX parser, with DTDs and external entities off: XXE and entity expansion are impossible. */
    private static XMLInputFactory newInputFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.IS_COALESCING, false);
        return factory;
    }

    /** A handler's own exception on its way out of the parser, unchanged. */
    private static final class HandlerFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandlerFailure(Exception cause) {
            super(cause);
        }
    }

    /**
     * Hands the header and records to the handler once each, whichever pass reads them: a second
     * pass over a document skips the records the first already handed over.
     */
    private static final class Delivery<X extends Exception> implements AggregateDocumentParser.Delivery {
        private final AggregateReportHandler<X> handler;
        private boolean headerDelivered;
        private boolean headerAscii;
        private long recordsDelivered;

        Delivery(AggregateReportHandler<X> handler) {
            this.handler = handler;
        }

        @Override
        public void header(AggregateReport header, boolean asciiOnly) {
            if (headerDelivered) {
                return;
            }
            headerDelivered = true;
            headerAscii = asciiOnly;
            try {
                handler.header(header);
            } catch (Exception e) {
                throw new HandlerFailure(e);
            }
        }

        @Override
        public void record(long number, ReportRecord record) {
            if (number <= recordsDelivered) {
                return;
            }
            recordsDelivered = number;
            try {
                handler.record(record);
            } catch (Exception e) {
                throw new HandlerFailure(e);
            }
        }

        boolean headerDelivered() {
            return headerDelivered;
        }

        /**
         * Whether the document may be read again in another charset: nothing handed over yet, or
         * only what was decoded from ASCII, which every fallback charset decodes the same way.
         */
        boolean canReplay(boolean nonAsciiSeen) {
            return !headerDelivered || (headerAscii && !nonAsciiSeen);
        }

        @SuppressWarnings("unchecked")
        X unwrap(HandlerFailure failure) {
            // the handler may only throw X (or unchecked exceptions, which come out unchanged too)
            return (X) failure.getCause();
        }
    }
}
