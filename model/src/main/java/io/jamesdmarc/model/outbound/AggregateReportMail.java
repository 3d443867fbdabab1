package io.jamesdmarc.model.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * The mail that carries one aggregate report (RFC 9990 "Email Transport"): From and Subject as
 * configured, the Subject ending with {@code Report Domain: <policy domain> Submitter: <receiver>
 * Report-ID: <id>}, {@code Auto-Submitted: auto-generated} (RFC 3834: no auto-replies to it), a short
 * text part, and the gzipped report as {@code application/gzip} named
 * {@code receiver!policy-domain!begin!end!id.xml.gz}. The Message-ID is made from the report id, so a
 * re-send of the same report is recognisable as such.
 */
public final class AggregateReportMail {

    public static final String GZIP = "application/gzip";
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final DateTimeFormatter TEXT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private AggregateReportMail() {
    }

    /** The Subject: {@code <subject> - Report Domain: example.org Submitter: example.com Report-ID: <id>}. */
    public static String subject(ReporterIdentity identity, String policyDomain, String reportId) {
        return identity.subject() + " - Report Domain: " + policyDomain + " Submitter: " + identity.receiverDomain()
            + " Report-ID: <" + reportId + ">";
    }

    /**
     * The report's mail to {@code recipients}.
     *
     * @param now the Date field
     */
    public static MimeMessage message(ReporterIdentity identity, String policyDomain, ReportPeriod period, ReportPart part,
                                      int partsInPeriod, List<String> recipients, Instant now) {
        Objects.requireNonNull(part, "part");
        try {
            MimeMessage message = new MimeMessage(SESSION);
            message.setFrom(new InternetAddress(identity.fromAddress(), identity.fromName(), StandardCharsets.UTF_8.name()));
            for (String recipient : recipients) {
                message.addRecipient(MimeMessage.RecipientType.TO, new InternetAddress(recipient, false));
            }
            message.setSubject(subject(identity, policyDomain, part.reportId()), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(now));
            message.setHeader("Auto-Submitted", "auto-generated");

            MimeBodyPart text = new MimeBodyPart();
            text.setText(text(identity, policyDomain, period, part, partsInPeriod), StandardCharsets.UTF_8.name());
            MimeBodyPart report = new MimeBodyPart();
            report.setDataHandler(new DataHandler(new ByteArrayDataSource(part.gzip(), GZIP)));
            report.setFileName(part.fileName());
            report.setDisposition(MimeBodyPart.ATTACHMENT);
            report.setHeader("Content-Type", GZIP + "; name=\"" + part.fileName() + "\"");
            report.setHeader("Content-Transfer-Encoding", "base64");
            MimeMultipart multipart = new MimeMultipart("mixed");
            multipart.addBodyPart(text);
            multipart.addBodyPart(report);
            message.setContent(multipart);
            message.saveChanges();
            message.setHeader("Message-ID", "<" + part.reportId().replaceAll("[^A-Za-z0-9.\\-_]", "_") + "."
                + policyDomain + "@" + identity.receiverDomain() + ">");
            return message;
        } catch (MessagingException | IOException e) {
            throw new IllegalArgumentException("cannot build the report mail of " + part.reportId() + ": " + e.getMessage(), e);
        }
    }

    /** The message as bytes (CRLF line ends), as it goes on the wire. */
    public static byte[] bytes(MimeMessage message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot write the report mail: " + e.getMessage(), e);
        }
    }

    private static String text(ReporterIdentity identity, String policyDomain, ReportPeriod period, ReportPart part, int parts) {
        return "This is a DMARC aggregate report (RFC 9990) from " + identity.orgName() + " about mail claiming to be from "
            + policyDomain + ",\r\nreceived from " + TEXT_TIME.format(period.begin()) + " to " + TEXT_TIME.format(period.end())
            + ".\r\n\r\nReport-ID: " + part.reportId() + (parts > 1 ? " (part " + part.number() + " of " + parts + ")" : "")
            + "\r\nRecords: " + part.records() + ", messages: " + part.messages() + "\r\nFile: " + part.fileName() + "\r\n"
            + identity.contactInfo().map(info -> "Contact: " + info + "\r\n").orElse("");
    }
}
