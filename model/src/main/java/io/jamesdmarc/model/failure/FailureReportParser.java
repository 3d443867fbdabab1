package io.jamesdmarc.model.failure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.net.InetAddress;
import java.text.ParsePosition;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.common.io.ByteSource;
import com.google.common.io.ByteStreams;

import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.failure.FailureReport.Field;
import io.jamesdmarc.model.failure.FailureReport.Kind;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;

/**
 * Reads DMARC failure reports: the AFRF report (RFC 6591 / RFC 9991, a {@code message/feedback-report}
 * part next to the reported message or its header) and text-only failure notices.
 *
 * <p>Tolerates what reporters send: a base64-encoded feedback part (NetEase), CRLF or LF, folded
 * fields, any casing of field names, empty fields, and a missing text or reported-message part.
 * Values are kept as written ({@code Original-Mail-From} keeps its angle brackets); only
 * {@code Source-IP} and {@code Arrival-Date} are also given parsed.
 */
public final class FailureReportParser {

    /** Most of a feedback part or a reported message that is read: real header blocks are a few kilobytes. */
    static final int MAX_PART_BYTES = 1024 * 1024;

    private static final String FEEDBACK_REPORT = "message/feedback-report";
    private static final Pattern BASE64_TEXT = Pattern.compile("[A-Za-z0-9+/=\\s]+");

    /**
     * Reads the failure report in {@code report}: a {@code multipart/report} (or any multipart)
     * holding a {@code message/feedback-report} part. Without one, a text part that is a failure
     * notice is read as one.
     *
     * @throws ReportParseException the multipart cannot be read, or it holds no failure report
     */
    public FailureReport parse(Part report) throws ReportParseException {
        BodyPart feedback = null;
        BodyPart reported = null;
        boolean fullMessage = false;
        BodyPart text = null;
        try {
            MimeMultipart multipart = new MimeMultipart(report.getDataHandler().getDataSource());
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart part = multipart.getBodyPart(i);
                String type = baseType(part);
                if (type.equals(FEEDBACK_REPORT) && feedback == null) {
                    feedback = part;
                } else if (type.equals("message/rfc822") && reported == null) {
                    reported = part;
                    fullMessage = true;
                } else if (type.endsWith("/rfc822-headers") && reported == null) {
                    reported = part;
                } else if (type.equals("text/plain") && text == null) {
                    text = part;
                }
            }
        } catch (MessagingException | RuntimeException e) {
            throw new ReportParseException(Problem.CORRUPT_CONTAINER, "unreadable multipart: " + e.getMessage(), e);
        }
        if (feedback == null) {
            Optional<FailureReport> notice = text == null ? Optional.empty() : parseNotice(HeaderFields.decode(read(text)));
            return notice.orElseThrow(() -> new ReportParseException(Problem.NOT_A_REPORT,
                "a feedback report without a " + FEEDBACK_REPORT + " part, and no text part that is a failure notice"));
        }
        List<Field> fields = feedbackFields(read(feedback));
        Optional<ReportedMessage> message = Optional.empty();
        if (reported != null) {
            message = Optional.of(reportedMessage(HeaderFields.headerBlock(read(reported)), fullMessage));
        }
        return fromFields(Kind.AFRF, fields, message);
    }

    /**
     * Reads a human-readable DMARC failure notice that has no {@code message/feedback-report} part
     * (Exim's "DMARC Forensic Report" and the like): labelled fields such as {@code Sender Domain:}
     * and {@code Sender IP Address:}, then often a copy of the message header.
     *
     * @return the notice, or empty when the text is not a DMARC failure notice
     */
    public Optional<FailureReport> parseNotice(String text) {
        return PlainTextNotices.parse(text);
    }

    /** What a reported header block says: subject (RFC 2047 decoded), from, to, message-id and date as written. */
    public static ReportedMessage reportedMessage(String headerBlock, boolean fullMessage) {
        List<Field> fields = HeaderFields.parse(headerBlock, true);
        return new ReportedMessage(
            HeaderFields.firstStated(fields, "Subject").map(FailureReportParser::decodeWords),
            HeaderFields.firstStated(fields, "From"),
            HeaderFields.firstStated(fields, "To"),
            HeaderFields.firstStated(fields, "Message-ID"),
            HeaderFields.firstStated(fields, "Date"),
            headerBlock,
            fullMessage);
    }

    /** The header block of a message, read as {@link #parse} reads a reported message. */
    static String headerBlockOf(ByteSource message) throws IOException {
        try (InputStream in = message.openStream()) {
            return HeaderFields.headerBlock(ByteStreams.toByteArray(ByteStreams.limit(in, MAX_PART_BYTES)));
        }
    }

    /** The report {@code fields} state; the one place field names become typed values. */
    static FailureReport fromFields(Kind kind, List<Field> fields, Optional<ReportedMessage> reported) {
        return fromFields(kind, fields, fields, reported);
    }

    /**
     * @param canonical fields under their AFRF names, from which typed values are taken
     * @param asWritten the fields to keep, as the reporter wrote them
     */
    static FailureReport fromFields(Kind kind, List<Field> canonical, List<Field> asWritten, Optional<ReportedMessage> reported) {
        Optional<String> arrival = HeaderFields.firstStated(canonical, "Arrival-Date")
            .or(() -> HeaderFields.firstStated(canonical, "Received-Date"));
        Optional<String> sourceIp = HeaderFields.firstStated(canonical, "Source-IP");
        return new FailureReport(kind,
            HeaderFields.firstStated(canonical, "Feedback-Type"),
            HeaderFields.firstStated(canonical, "User-Agent"),
            HeaderFields.firstStated(canonical, "Version"),
            HeaderFields.firstStated(canonical, "Auth-Failure"),
            HeaderFields.firstStated(canonical, "Identity-Alignment"),
            HeaderFields.firstStated(canonical, "Original-Mail-From"),
            HeaderFields.all(canonical, "Original-Rcpt-To"),
            arrival,
            arrival.flatMap(FailureReportParser::parseDate),
            sourceIp,
            sourceIp.flatMap(FailureReportParser::addressPart),
            HeaderFields.firstStated(canonical, "Reported-Domain"),
            HeaderFields.all(canonical, "Reported-URI"),
            HeaderFields.firstStated(canonical, "DKIM-Domain"),
            HeaderFields.firstStated(canonical, "DKIM-Identity"),
            HeaderFields.firstStated(canonical, "DKIM-Selector"),
            HeaderFields.firstStated(canonical, "SPF-DNS"),
            HeaderFields.firstStated(canonical, "Delivery-Result"),
            HeaderFields.all(canonical, "Authentication-Results"),
            asWritten,
            reported);
    }

    /** The address at the start of a Source-IP value: {@code 148.163.85.135 (host)}, {@code [192.0.2.1]}, {@code IPv6:2001:db8::1}. */
    static Optional<InetAddress> addressPart(String value) {
        String text = value.strip();
        int end = 0;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && "(,;".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        String token = text.substring(0, end);
        if (token.regionMatches(true, 0, "IPv6:", 0, 5)) {
            token = token.substring(5);
        }
        return SourceIp.parse(token).address();
    }

    /** An RFC 5322 date as reporters write it (jakarta.mail's lenient parser), or ISO 8601. */
    static Optional<Instant> parseDate(String text) {
        Date date = new MailDateFormat().parse(text, new ParsePosition(0));
        if (date != null) {
            return Optional.of(date.toInstant());
        }
        try {
            return Optional.of(OffsetDateTime.parse(text.strip()).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Fields of a feedback part; a part whose base64 encoding was not declared is decoded here. */
    private static List<Field> feedbackFields(byte[] body) {
        String text = HeaderFields.decode(body);
        List<Field> fields = HeaderFields.parse(text, false);
        if (fields.isEmpty() && BASE64_TEXT.matcher(text).matches()) {
            try {
                fields = HeaderFields.parse(HeaderFields.decode(Base64.getMimeDecoder().decode(text.strip())), false);
            } catch (IllegalArgumentException notBase64) {
                // not base64 either: a report with no fields
            }
        }
        return fields;
    }

    private static byte[] read(Part part) throws ReportParseException {
        try (InputStream in = part.getInputStream()) {
            return ByteStreams.toByteArray(ByteStreams.limit(in, MAX_PART_BYTES));
        } catch (IOException | MessagingException | RuntimeException e) {
            throw new ReportParseException(Problem.CORRUPT_CONTAINER, "unreadable report part: " + e.getMessage(), e);
        }
    }

    static String baseType(Part part) throws MessagingException {
        String declared = part.getContentType();
        if (declared == null) {
            return "text/plain";
        }
        try {
            return new ContentType(declared).getBaseType().toLowerCase(Locale.ROOT);
        } catch (jakarta.mail.internet.ParseException e) {
            int semicolon = declared.indexOf(';');
            return (semicolon < 0 ? declared : declared.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        }
    }

    private static String decodeWords(String value) {
        try {
            return MimeUtility.decodeText(value);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return value;
        }
    }
}
