package io.jamesdmarc.mailets.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Report mails as reporters send them, built as bytes on the wire (CRLF line ends): a text part and
 * attachments in base64, or an RFC 6591 failure report. Plain text in, bytes out: nothing of
 * james-dmarc's own code is used, so that the reports a test sends are the test's own.
 */
public final class ReportMails {

    public static final String REPORTER = "noreply-dmarc-support@reporter.example";

    /** An attachment: its MIME type, file name and content. */
    public record Attachment(String contentType, String fileName, byte[] content) {
    }

    private ReportMails() {
    }

    /** An aggregate report mail with one gzipped XML report attached, as most reporters send it. */
    public static byte[] aggregate(String messageId, String policyDomain, String reportId, byte[] gzippedXml) {
        return withAttachments(messageId, "Report domain: " + policyDomain + " Submitter: reporter.example Report-ID: <" + reportId + ">",
            List.of(new Attachment("application/gzip", "reporter.example!" + policyDomain + "!" + reportId + ".xml.gz", gzippedXml)));
    }

    /** A multipart/mixed mail from {@value #REPORTER}: a short text, then each attachment in base64. */
    public static byte[] withAttachments(String messageId, String subject, List<Attachment> attachments) {
        String boundary = "=_report_" + Integer.toHexString(messageId.hashCode());
        StringBuilder mail = new StringBuilder()
            .append("Return-Path: <").append(REPORTER).append(">\r\n")
            .append("Received: from mail-out.reporter.example (mail-out.reporter.example [192.0.2.25])\r\n")
            .append("\tby mx.example.com with ESMTPS; Mon, 1 Jun 2026 06:12:01 +0000\r\n")
            .append("From: Reporter DMARC <").append(REPORTER).append(">\r\n")
            .append("To: dmarc-rua@example.com\r\n")
            .append("Subject: ").append(subject).append("\r\n")
            .append("Date: Mon, 1 Jun 2026 06:12:00 +0000\r\n")
            .append("Message-ID: <").append(messageId).append(">\r\n")
            .append("MIME-Version: 1.0\r\n")
            .append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n")
            .append("\r\n")
            .append("--").append(boundary).append("\r\n")
            .append("Content-Type: text/plain; charset=us-ascii\r\n\r\n")
            .append("This is an aggregate report from reporter.example.\r\n");
        for (Attachment attachment : attachments) {
            mail.append("--").append(boundary).append("\r\n")
                .append("Content-Type: ").append(attachment.contentType()).append("; name=\"").append(attachment.fileName()).append("\"\r\n")
                .append("Content-Disposition: attachment; filename=\"").append(attachment.fileName()).append("\"\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n")
                .append(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment.content()))
                .append("\r\n");
        }
        mail.append("--").append(boundary).append("--\r\n");
        return mail.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** An RFC 6591 / RFC 9991 failure report about a message from {@code sourceIp} claiming to be from {@code reportedDomain}. */
    public static byte[] failure(String messageId, String reportedDomain, String sourceIp) {
        String boundary = "=_afrf_" + Integer.toHexString(messageId.hashCode());
        String text = "From: DMARC Failure Reports <" + REPORTER + ">\r\n"
            + "To: dmarc-ruf@example.com\r\n"
            + "Subject: FW: Failure report for " + reportedDomain + "\r\n"
            + "Date: Mon, 1 Jun 2026 07:00:00 +0000\r\n"
            + "Message-ID: <" + messageId + ">\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/report; report-type=feedback-report; boundary=\"" + boundary + "\"\r\n"
            + "\r\n"
            + "--" + boundary + "\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            + "A message claiming to be from " + reportedDomain + " failed DMARC.\r\n"
            + "--" + boundary + "\r\n"
            + "Content-Type: message/feedback-report\r\n\r\n"
            + "Feedback-Type: auth-failure\r\n"
            + "User-Agent: ReporterMail/1.0\r\n"
            + "Version: 1\r\n"
            + "Original-Mail-From: <bounce@" + reportedDomain + ">\r\n"
            + "Original-Rcpt-To: <user@reporter.example>\r\n"
            + "Arrival-Date: Mon, 1 Jun 2026 06:59:00 +0000\r\n"
            + "Source-IP: " + sourceIp + "\r\n"
            + "Reported-Domain: " + reportedDomain + "\r\n"
            + "Auth-Failure: dmarc\r\n"
            + "Identity-Alignment: none\r\n"
            + "Delivery-Result: reject\r\n"
            + "\r\n"
            + "--" + boundary + "\r\n"
            + "Content-Type: text/rfc822-headers\r\n\r\n"
            + "From: ceo@" + reportedDomain + "\r\n"
            + "To: user@reporter.example\r\n"
            + "Subject: Urgent wire transfer\r\n"
            + "Message-ID: <forged-" + messageId + ">\r\n"
            + "\r\n"
            + "--" + boundary + "--\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A plain mail that carries no report. */
    public static byte[] plain(String messageId, String from, String to, String subject, String body) {
        return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + messageId + ">\r\n"
            + "Date: Mon, 1 Jun 2026 08:00:00 +0000\r\n\r\n" + body.replace("\n", "\r\n")).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
