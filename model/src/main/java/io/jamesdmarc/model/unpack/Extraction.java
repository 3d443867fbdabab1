package io.jamesdmarc.model.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

import com.google.common.io.ByteSource;
import com.google.common.io.ByteStreams;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;
import io.jamesdmarc.model.aggregate.AggregateReportReader;
import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.FailureReportParser;
import io.jamesdmarc.model.unpack.ExtractionResult.UnreadablePart;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;

/**
 * One walk through one input: every MIME part, every archive member, every decoding layer, each
 * sniffed and followed until it is a report, plainly no report, or unreadable. Not thread-safe:
 * {@link ReportExtractor} makes one per call.
 */
final class Extraction<X extends Exception> {

    /** Most of a text part read to see whether it is a failure notice: notices are a few kilobytes. */
    private static final int MAX_NOTICE_BYTES = 1024 * 1024;
    /** How many tried parts the no-report message lists before it summarises. */
    private static final int MAX_LISTED = 20;

    private final ParseLimits limits;
    private final ReportSink<X> sink;
    private final AggregateReportReader reader;
    private final FailureReportParser failureParser;
    private final Session session;
    private final ContainerNotes notes = new ContainerNotes();
    private final List<UnreadablePart> unreadable = new ArrayList<>();
    /** Every part tried that gave no report, readable or not, in order: the no-report message lists them. */
    private final List<UnreadablePart> tried = new ArrayList<>();
    private final List<Notice> notices = new ArrayList<>();
    private int aggregateReports;
    private int failureReports;
    private int mimeParts;
    private boolean sawMessage;
    private boolean stopped;

    Extraction(ParseLimits limits, ReportSink<X> sink, AggregateReportReader reader, FailureReportParser failureParser, Session session) {
        this.limits = limits;
        this.sink = sink;
        this.reader = reader;
        this.failureParser = failureParser;
        this.session = session;
    }

    /**
     * The mail session messages found in bytes are parsed with. Making one loads jakarta.mail's
     * providers (a quarter of the CPU of extracting a small report): {@link ReportExtractor} makes
     * it once; it is only read afterwards, so threads share it.
     */
    static Session newSession() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.address.strict", "false");
        return Session.getInstance(properties);
    }

    ExtractionResult fromBytes(ByteSource input, String name) throws ReportParseException, X {
        content(input, name, 0, null);
        deliverNotices();
        return result();
    }

    ExtractionResult fromMessage(MimeMessage message) throws ReportParseException, X {
        sawMessage = true;
        part(message, "", "", 0);
        deliverNotices();
        return result();
    }

    // ---------------------------------------------------------------- content of unknown kind

    private void content(ByteSource bytes, String location, int depth, Charset declaredCharset) throws X {
        if (stopped) {
            return;
        }
        if (depth > limits.maxMimeDepth()) {
            unreadable(location, new LimitExceededException(Limit.MIME_DEPTH, limits.maxMimeDepth(), null));
            return;
        }
        Sniffer.Sniffed sniffed;
        try (InputStream in = bytes.openStream()) {
            byte[] head = new byte[Sniffer.HEAD_SIZE + 1];
            int length = ByteStreams.read(in, head, 0, head.length);
            sniffed = Sniffer.sniff(head, Math.min(length, Sniffer.HEAD_SIZE), length <= Sniffer.HEAD_SIZE);
        } catch (IOException | RuntimeException e) {
            unreadable(location, problem(e));
            return;
        }
        switch (sniffed.kind()) {
            case GZIP -> content(Decoders.gunzip(bytes, limits, note -> notes.add(location + " > gzip", note)),
                location + " > gzip", depth + 1, null);
            case ZLIB -> content(Decoders.inflateZlib(bytes, limits, note -> notes.add(location + " > zlib", note)),
                location + " > zlib", depth + 1, null);
            case BASE64 -> content(Decoders.base64(bytes, limits), location + " > base64", depth + 1, null);
            case ZIP -> zip(bytes, location, depth + 1);
            case EMAIL -> message(bytes, location + " > ", depth + 1);
            case AGGREGATE_XML -> aggregate(bytes, location);
            case TEXT -> text(bytes, location, declaredCharset, sniffed);
            case EMPTY -> notAReport(location, Problem.EMPTY_INPUT, sniffed.description());
            default -> notAReport(location, Problem.NOT_A_REPORT, sniffed.description());
        }
    }

    private void zip(ByteSource archive, String location, int depth) throws X {
        ZipMembers members;
        try {
            members = new ZipMembers(archive, limits);
        } catch (IOException | RuntimeException e) {
            unreadable(location + " > zip", problem(e));
            return;
        }
        int files = 0;
        try {
            while (!stopped) {
                ZipMembers.Member member;
                try {
                    member = members.next();
                } catch (IOException | RuntimeException e) {
                    unreadable(location + " > zip", problem(e));
                    return;
                }
                if (member == null) {
                    break;
                }
                files++;
                String memberLocation = location + " > zip member \"" + printable(member.name()) + "\"";
                int before = unreadable.size();
                content(member.content(), memberLocation, depth, null);
                if (brokeTheArchive(before, memberLocation)) {
                    return; // the pass cannot go past damaged or runaway data
                }
            }
        } finally {
            closeQuietly(members);
        }
        if (files == 0) {
            notAReport(location, Problem.NOT_A_REPORT, "a zip archive with no files");
        }
    }

    private static void closeQuietly(ZipMembers members) {
        try {
            members.close();
        } catch (IOException e) {
            // only read from: nothing is lost
        }
    }

    /** Whether reading a member itself (not something nested in it) failed on corrupt data or a limit. */
    private boolean brokeTheArchive(int unreadableBefore, String memberLocation) {
        for (UnreadablePart part : unreadable.subList(unreadableBefore, unreadable.size())) {
            Problem problem = part.problem().problem();
            if (part.location().equals(memberLocation) && (problem == Problem.CORRUPT_CONTAINER || problem == Problem.LIMIT_EXCEEDED)) {
                return true;
            }
        }
        return false;
    }

    private void message(ByteSource bytes, String prefix, int depth) throws X {
        sawMessage = true;
        MimeMessage message;
        try (SharedByteSourceStream in = new SharedByteSourceStream(bytes)) {
            message = new MimeMessage(session, in);
        } catch (IOException | MessagingException | RuntimeException e) {
            unreadable(prefix + "message", problem(e));
            return;
        }
        part(message, prefix, "", depth);
    }

    private void aggregate(ByteSource xml, String location) throws X {
        FoundAggregateReport found = new FoundAggregateReport(xml, location, reader, notes);
        ReportParseException thrown = null;
        try {
            sink.aggregate(found);
        } catch (ReportParseException e) {
            thrown = e;
        }
        ReportParseException failure = found.handBack();
        if (failure == null && thrown != null) {
            failure = thrown; // the sink refused it for a reason of its own
        }
        if (failure != null) {
            unreadable(location, failure);
        } else {
            aggregateReports++;
        }
    }

    private void text(ByteSource bytes, String location, Charset declaredCharset, Sniffer.Sniffed sniffed) throws X {
        String text;
        try (InputStream in = bytes.openStream()) {
            byte[] content = ByteStreams.toByteArray(ByteStreams.limit(in, MAX_NOTICE_BYTES));
            text = declaredCharset != null ? new String(content, declaredCharset) : utf8OrWindows1252(content);
        } catch (IOException | RuntimeException e) {
            unreadable(location, problem(e));
            return;
        }
        Optional<FailureReport> notice = failureParser.parseNotice(text);
        if (notice.isPresent()) {
            notices.add(new Notice(notice.get(), location));
        } else {
            notAReport(location, Problem.NOT_A_REPORT, sniffed.description());
        }
    }

    /**
     * Text-only notices count only where the input holds no machine-readable report: a report
     * mail's prose that happens to read like a notice must not become a second, made-up report.
     */
    private void deliverNotices() throws X {
        boolean machineReadableFound = aggregateReports + failureReports > 0;
        for (Notice notice : notices) {
            if (machineReadableFound) {
                notAReport(notice.location(), Problem.NOT_A_REPORT, "text reading like a failure notice, beside a machine-readable report");
            } else {
                failureReports++;
                sink.failure(notice.report(), notice.location());
            }
        }
    }

    private record Notice(FailureReport report, String location) {
    }

    // ---------------------------------------------------------------- MIME structure

    /**
     * @param prefix where the message lies ({@code ""} for the message given, {@code "x.eml > "} for one found in bytes)
     * @param number the part number, IMAP style ({@code "2.1"}); empty for the message itself
     */
    private void part(Part part, String prefix, String number, int depth) throws X {
        if (stopped) {
            return;
        }
        String type;
        String label;
        try {
            type = baseType(part);
            label = prefix + (number.isEmpty() ? type.startsWith("multipart/") ? "message" : "message body" : "part " + number)
                + " (" + type + fileName(part) + ")";
        } catch (MessagingException | RuntimeException e) {
            unreadable(prefix + (number.isEmpty() ? "message" : "part " + number), problem(e));
            return;
        }
        if (++mimeParts > limits.maxMimeParts()) {
            stop(label, new LimitExceededException(Limit.MIME_PARTS, limits.maxMimeParts(), null));
            return;
        }
        if (depth > limits.maxMimeDepth()) {
            unreadable(label, new LimitExceededException(Limit.MIME_DEPTH, limits.maxMimeDepth(), null));
            return;
        }
        if (type.startsWith("multipart/")) {
            multipart(part, type, prefix, number, label, depth);
        } else if (type.equals("message/rfc822") || type.equals("message/global")) {
            message(partContent(part), label + " > ", depth + 1);
        } else {
            content(partContent(part), label, depth, charset(part));
        }
    }

    private void multipart(Part part, String type, String prefix, String number, String label, int depth) throws X {
        MimeMultipart multipart;
        List<Part> children = new ArrayList<>();
        boolean feedbackReport;
        try {
            multipart = new MimeMultipart(part.getDataHandler().getDataSource());
            int count = multipart.getCount();
            if (mimeParts + count > limits.maxMimeParts()) {
                stop(label, new LimitExceededException(Limit.MIME_PARTS, limits.maxMimeParts(), null));
                return;
            }
            feedbackReport = type.equals("multipart/report")
                && "feedback-report".equalsIgnoreCase(new ContentType(part.getContentType()).getParameter("report-type"));
            for (int i = 0; i < count; i++) {
                Part child = multipart.getBodyPart(i);
                children.add(child);
                feedbackReport |= baseType(child).equals("message/feedback-report");
            }
        } catch (MessagingException | RuntimeException e) {
            unreadable(label, problem(e));
            return;
        }
        if (feedbackReport) {
            // the parts of a failure report belong to it: its reported message is not searched for reports
            mimeParts += children.size();
            failure(part, label);
            return;
        }
        if (children.isEmpty()) {
            notAReport(label, Problem.NOT_A_REPORT, "a multipart with no parts");
        }
        for (int i = 0; i < children.size() && !stopped; i++) {
            part(children.get(i), prefix, number.isEmpty() ? String.valueOf(i + 1) : number + "." + (i + 1), depth + 1);
        }
    }

    private void failure(Part part, String label) throws X {
        FailureReport report;
        try {
            report = failureParser.parse(part);
        } catch (ReportParseException e) {
            unreadable(label, e);
            return;
        }
        failureReports++;
        sink.failure(report, label);
    }

    /** A part's content with its transfer encoding (base64, quoted-printable) undone, streaming. */
    private ByteSource partContent(Part part) {
        return new ByteSource() {
            @Override
            public InputStream openStream() throws IOException {
                try {
                    return new LimitedInputStream(part.getInputStream(), new StreamLimits(limits), null);
                } catch (MessagingException e) {
                    throw new IOException("unreadable MIME part: " + e.getMessage(), e);
                }
            }
        };
    }

    private static String baseType(Part part) throws MessagingException {
        String declared = part.getContentType();
        if (declared == null || declared.isBlank()) {
            return "text/plain";
        }
        try {
            return new ContentType(declared).getBaseType().toLowerCase(Locale.ROOT);
        } catch (jakarta.mail.internet.ParseException e) {
            int semicolon = declared.indexOf(';');
            return (semicolon < 0 ? declared : declared.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        }
    }

    private static Charset charset(Part part) {
        try {
            String charset = new ContentType(part.getContentType()).getParameter("charset");
            return charset == null ? null : Charset.forName(MimeUtility.javaCharset(charset));
        } catch (MessagingException | RuntimeException e) {
            return null; // unknown or malformed: the text is decoded from its bytes
        }
    }

    private static String fileName(Part part) {
        try {
            String name = part.getFileName();
            if (name == null || name.isBlank()) {
                return "";
            }
            if (name.contains("=?")) {
                name = MimeUtility.decodeText(name);
            }
            return " \"" + printable(name) + "\"";
        } catch (MessagingException | UnsupportedEncodingException | RuntimeException e) {
            return "";
        }
    }

    /** A name from the input made safe for a log line: no control characters, not endless. */
    private static String printable(String name) {
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 200 ? clean.substring(0, 200) + "..." : clean;
    }

    // ---------------------------------------------------------------- outcomes

    private static String utf8OrWindows1252(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, Charset.forName("windows-1252"));
        }
    }

    private void notAReport(String location, Problem problem, String why) {
        tried.add(new UnreadablePart(location, new ReportParseException(problem, why)));
    }

    private void unreadable(String location, ReportParseException problem) throws X {
        UnreadablePart part = new UnreadablePart(location, problem);
        unreadable.add(part);
        tried.add(part);
        sink.unreadable(location, problem);
    }

    /** A limit on the whole input was breached: nothing more is read. */
    private void stop(String location, ReportParseException problem) throws X {
        unreadable(location, problem);
        stopped = true;
    }

    private static ReportParseException problem(Throwable thrown) {
        Optional<ReportParseException> typed = ContainerIOException.find(thrown);
        if (typed.isPresent()) {
            return typed.get();
        }
        String message = thrown.getMessage() == null ? thrown.getClass().getSimpleName() : thrown.getMessage();
        return new ReportParseException(Problem.CORRUPT_CONTAINER, "unreadable: " + message, thrown);
    }

    private ExtractionResult result() throws ReportParseException {
        if (aggregateReports + failureReports > 0) {
            return new ExtractionResult(aggregateReports, failureReports, unreadable, notes.all());
        }
        throw noReport();
    }

    /**
     * The error for an input with no report: the single underlying problem's type when there is one
     * (a corrupt archive, a breached limit, a bare file that is not XML), else NO_REPORT_FOUND; the
     * message names every part tried and why it gave nothing.
     */
    private ReportParseException noReport() {
        String summary = summary(tried);
        if (unreadable.size() == 1) {
            UnreadablePart only = unreadable.get(0);
            if (only.problem() instanceof LimitExceededException limit) {
                List<UnreadablePart> others = tried.stream().filter(t -> t != only).toList();
                return new LimitExceededException(limit.limit(), limits.valueOf(limit.limit()), only.location()
                    + (others.isEmpty() ? "" : "; no report found in the other parts: " + summary(others)));
            }
            return new ReportParseException(only.problem().problem(), "no report found: " + summary, only.problem());
        }
        if (unreadable.isEmpty() && !sawMessage && tried.size() == 1) {
            return new ReportParseException(tried.get(0).problem().problem(), "no report found: " + summary);
        }
        return new ReportParseException(Problem.NO_REPORT_FOUND,
            "no report found: " + (tried.isEmpty() ? "nothing to read" : summary));
    }

    private static String summary(List<UnreadablePart> parts) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size() && i < MAX_LISTED; i++) {
            text.append(i == 0 ? "" : "; ").append(parts.get(i));
        }
        if (parts.size() > MAX_LISTED) {
            text.append("; and ").append(parts.size() - MAX_LISTED).append(" more parts");
        }
        return text.toString();
    }
}
