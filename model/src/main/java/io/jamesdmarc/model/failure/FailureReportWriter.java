package io.jamesdmarc.model.failure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.failure.FailureReport.Field;
import io.jamesdmarc.model.failure.FailureReport.Kind;

import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.ParseException;

/**
 * Writes a DMARC failure report as RFC 9991 wants it sent: a {@code multipart/report;
 * report-type=feedback-report} of a human-readable text, the {@code message/feedback-report} fields,
 * and the reported message's header ({@code text/rfc822-headers}, the default: it discloses least)
 * or the whole message ({@code message/rfc822}).
 *
 * <p>Only valid reports are written: {@code Feedback-Type: auth-failure}, {@code Version},
 * {@code User-Agent}, {@code Auth-Failure: dmarc}, a well-formed {@code Identity-Alignment},
 * {@code Authentication-Results}, {@code Reported-Domain}; DKIM-Domain, DKIM-Identity and
 * DKIM-Selector when DKIM failed, SPF-DNS when SPF failed. Build reports with
 * {@link FailureReportBuilder}; anything else is an {@link IllegalArgumentException} saying what.
 *
 * <p>The caller puts the returned multipart into its message ({@code message.setContent(multipart)})
 * with From, To, Subject and Date. Thread-safe.
 */
public final class FailureReportWriter {

    private static final String CRLF = "\r\n";
    /** RFC 5322 line lengths: fold at 78 where a blank allows, never beyond 998. */
    private static final int FOLD_AT = 78;
    private static final int MAX_LINE = 998;
    private static final Pattern IDENTITY_ALIGNMENT = Pattern.compile("none|(dkim|spf)(\\s*,\\s*(dkim|spf))?", Pattern.CASE_INSENSITIVE);

    /**
     * The report with the reported message's header ({@code text/rfc822-headers}), taken from
     * {@code report.reportedMessage()}.
     */
    public MimeMultipart write(FailureReport report) throws MessagingException {
        ReportedMessage reported = report.reportedMessage()
            .orElseThrow(() -> new IllegalArgumentException("the report has no reported header block to send"));
        return multipart(report, headersPart(reported.headers()));
    }

    /**
     * The report with the whole reported {@code message} ({@code message/rfc822}), streamed from it
     * when written. A message that cannot travel as it is (a line over 998 octets) is sent as its
     * header only.
     */
    public MimeMultipart write(FailureReport report, ByteSource message) throws MessagingException, IOException {
        Objects.requireNonNull(message, "message");
        Transport transport = transport(message);
        MimeBodyPart reported = transport == Transport.UNSAFE
            ? headersPart(FailureReportParser.headerBlockOf(message))
            : part(new ByteSourceDataSource(message, "message/rfc822"), transport == Transport.SEVEN_BIT ? "7bit" : "8bit");
        return multipart(report, reported);
    }

    private MimeMultipart multipart(FailureReport report, MimeBodyPart reported) throws MessagingException {
        validate(report);
        MimeMultipart multipart = new FeedbackReportMultipart();
        multipart.addBodyPart(textPart(humanReadable(report), "text/plain"));
        multipart.addBodyPart(textPart(feedbackFields(report), "message/feedback-report"));
        multipart.addBodyPart(reported);
        return multipart;
    }

    // ---------------------------------------------------------------- validity (RFC 5965, 6591, 9991)

    private static void validate(FailureReport report) {
        require(report.kind() == Kind.AFRF, "only AFRF reports are written, not a " + report.kind());
        require(report.feedbackType().filter("auth-failure"::equalsIgnoreCase).isPresent(), "Feedback-Type must be auth-failure");
        require(report.version().isPresent(), "Version is required");
        require(report.userAgent().isPresent(), "User-Agent is required");
        require(report.authFailure().filter("dmarc"::equalsIgnoreCase).isPresent(), "Auth-Failure must be dmarc");
        String alignment = report.identityAlignment().orElseThrow(() -> new IllegalArgumentException("Identity-Alignment is required"));
        require(IDENTITY_ALIGNMENT.matcher(alignment).matches() && !alignment.toLowerCase(Locale.ROOT).matches("(dkim|spf)\\s*,\\s*\\1"),
            "Identity-Alignment must be none, or dkim and/or spf once each: " + alignment);
        require(!report.authenticationResults().isEmpty(), "Authentication-Results is required");
        require(report.reportedDomain().isPresent(), "Reported-Domain is required");
        if (alignment.toLowerCase(Locale.ROOT).contains("dkim")) {
            require(report.dkimDomain().isPresent() && report.dkimIdentity().isPresent() && report.dkimSelector().isPresent(),
                "a DKIM failure needs DKIM-Domain, DKIM-Identity and DKIM-Selector");
        }
        if (alignment.toLowerCase(Locale.ROOT).contains("spf")) {
            require(report.spfDns().isPresent(), "an SPF failure needs SPF-DNS");
        }
        for (Field field : report.fields()) {
            require(field.value().indexOf('\r') < 0 && field.value().indexOf('\n') < 0, "a line break in " + field.name());
        }
        FailureReport stated = FailureReportParser.fromFields(Kind.AFRF, report.fields(), report.reportedMessage());
        require(stated.equals(report), "the report's values differ from its fields: build it with FailureReportBuilder");
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("invalid failure report: " + problem);
        }
    }

    // ---------------------------------------------------------------- the parts

    private static String humanReadable(FailureReport report) {
        StringBuilder text = new StringBuilder("This is a DMARC failure report (RFC 9991) for a message claiming to be from ")
            .append(report.reportedDomain().orElseThrow());
        report.sourceIpText().ifPresent(ip -> text.append(", received from IP ").append(ip));
        report.arrivalDate().ifPresent(date -> text.append(" on ").append(date));
        text.append('.').append(CRLF).append(CRLF);
        String alignment = report.identityAlignment().orElseThrow().toLowerCase(Locale.ROOT);
        text.append(alignment.equals("none")
            ? "No authentication mechanism failed on an aligned identity; DMARC still failed."
            : "Failed to authenticate an aligned identity: " + alignment.replace("dkim", "DKIM").replace("spf", "SPF") + ".")
            .append(CRLF);
        for (String results : report.authenticationResults()) {
            text.append(fold("Authentication-Results: " + results)).append(CRLF);
        }
        text.append(CRLF).append("The machine-readable report and the reported message's ")
            .append("header follow in the next parts.").append(CRLF);
        return text.toString();
    }

    private static String feedbackFields(FailureReport report) {
        StringBuilder fields = new StringBuilder();
        for (Field field : report.fields()) {
            String line = fold(field.name() + ": " + field.value());
            fields.append(line).append(CRLF);
        }
        return fields.toString();
    }

    /** Folds a field before blanks so lines stay within 78 characters where possible, 998 always. */
    static String fold(String line) {
        StringBuilder folded = new StringBuilder();
        String rest = line;
        while (rest.length() > FOLD_AT) {
            int blank = lastBlank(rest, FOLD_AT);
            if (blank <= 0) {
                blank = firstBlank(rest, FOLD_AT);
            }
            if (blank <= 0) {
                break;
            }
            folded.append(rest, 0, blank).append(CRLF);
            rest = rest.substring(blank);
        }
        folded.append(rest);
        for (String part : folded.toString().split(CRLF)) {
            require(part.getBytes(StandardCharsets.UTF_8).length <= MAX_LINE, "a value too long to fold within " + MAX_LINE + " octets");
        }
        return folded.toString();
    }

    /** The last blank at or before {@code limit} that leaves something before it on the line. */
    private static int lastBlank(String text, int limit) {
        for (int i = Math.min(limit, text.length() - 1); i > 0; i--) {
            if ((text.charAt(i) == ' ' || text.charAt(i) == '\t') && !text.substring(0, i).isBlank()) {
                return i;
            }
        }
        return -1;
    }

    private static int firstBlank(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }

    private static MimeBodyPart textPart(String text, String type) throws MessagingException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        boolean ascii = bytes.length == text.length();
        String contentType = type.startsWith("text/") ? type + "; charset=" + (ascii ? "us-ascii" : "utf-8") : type;
        return part(new ByteSourceDataSource(ByteSource.wrap(bytes), contentType), ascii ? "7bit" : "8bit");
    }

    private static MimeBodyPart headersPart(String headerBlock) throws MessagingException {
        String block = headerBlock.replaceAll("\r?\n|\r", CRLF);
        if (!block.isEmpty() && !block.endsWith(CRLF)) {
            block += CRLF;
        }
        return textPart(block, "text/rfc822-headers");
    }

    private static MimeBodyPart part(DataSource content, String transferEncoding) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(content));
        part.setHeader("Content-Type", content.getContentType());
        // message/* parts may only be 7bit or 8bit (RFC 2046): never let jakarta.mail pick base64
        part.setHeader("Content-Transfer-Encoding", transferEncoding);
        return part;
    }

    private enum Transport { SEVEN_BIT, EIGHT_BIT, UNSAFE }

    /** How the reported message can travel unchanged inside the report. */
    private static Transport transport(ByteSource message) throws IOException {
        boolean eightBit = false;
        int lineLength = 0;
        try (InputStream in = message.openBufferedStream()) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                if (b == '\n') {
                    lineLength = 0;
                } else if (b != '\r' && ++lineLength > MAX_LINE || b == 0) {
                    return Transport.UNSAFE;
                }
                eightBit |= b > 0x7f;
            }
        }
        return eightBit ? Transport.EIGHT_BIT : Transport.SEVEN_BIT;
    }

    /** {@code multipart/report; report-type=feedback-report}. */
    private static final class FeedbackReportMultipart extends MimeMultipart {
        FeedbackReportMultipart() throws ParseException {
            super("report");
            ContentType type = new ContentType(contentType);
            type.setParameter("report-type", "feedback-report");
            contentType = type.toString();
        }
    }

    /** Content streamed from a {@link ByteSource} each time the part is written. */
    private record ByteSourceDataSource(ByteSource bytes, String type) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            return bytes.openStream();
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("read-only");
        }

        @Override
        public String getContentType() {
            return type;
        }

        @Override
        public String getName() {
            return null;
        }
    }
}
