package io.jamesdmarc.model.unpack;

import java.util.Objects;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.failure.FailureReportParser;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * Finds every DMARC report in an input: an e-mail, an attachment, a file of any kind. Content is
 * sniffed, never trusted by its declared type or name, and followed through every layer: gzip
 * (concatenated members, trailing bytes), zip (every member), raw zlib, base64 text, e-mails and
 * attached messages, MIME parts of any nesting. What it finds goes to a {@link ReportSink}:
 * aggregate reports as a stream the sink reads once, failure reports (AFRF and text-only notices)
 * whole, unreadable parts with their problem.
 *
 * <p>Hostile input is bounded by {@link ParseLimits}: decompressed bytes and ratio per stream, zip
 * members, container nesting, MIME parts; a breach is a {@link io.jamesdmarc.model.LimitExceededException}
 * naming the limit, found after about a megabyte of a decompression bomb.
 *
 * <p>Thread-safe: one instance serves every thread.
 */
public final class ReportExtractor {

    private final ParseLimits limits;
    private final AggregateReportReader reader;
    private final FailureReportParser failureParser = new FailureReportParser();
    private final Session session = Extraction.newSession();

    public ReportExtractor(ParseLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.reader = new AggregateReportReader(limits);
    }

    /**
     * Finds the reports in {@code input}, whatever it is: XML, gzip, zip, zlib, base64, an e-mail
     * (a {@code .eml}, or one stored as {@code .txt}).
     *
     * @param name how to call the input in locations and errors, e.g. its file name
     * @return how many reports were found (at least one) and which parts could not be read
     * @throws ReportParseException no report was found: NO_REPORT_FOUND, or the type of the single
     *                              underlying problem; the message names each part tried and why it gave nothing
     * @throws X                    what the sink threw, unchanged
     */
    public <X extends Exception> ExtractionResult extract(ByteSource input, String name, ReportSink<X> sink)
        throws ReportParseException, X {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(sink, "sink");
        String location = name == null || name.isBlank() ? "input" : name;
        return new Extraction<>(limits, sink, reader, failureParser, session).fromBytes(input, location);
    }

    /**
     * Finds the reports in a message, e.g. the one a mailet holds: the whole MIME tree, every
     * leaf, the body of a single-part message too.
     *
     * @see #extract(ByteSource, String, ReportSink)
     */
    public <X extends Exception> ExtractionResult extract(MimeMessage message, ReportSink<X> sink)
        throws ReportParseException, X {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(sink, "sink");
        return new Extraction<>(limits, sink, reader, failureParser, session).fromMessage(message);
    }
}
