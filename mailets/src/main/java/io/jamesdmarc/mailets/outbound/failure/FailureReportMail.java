package io.jamesdmarc.mailets.outbound.failure;

import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;


import io.jamesdmarc.model.failure.FailureReport;
import io.jamesdmarc.model.failure.FailureReportComposer;
import io.jamesdmarc.model.failure.FailureReportWriter;

/**
 * The mail that carries one failure report to one destination: From the configured sender, To the
 * destination, the configured Subject, {@code Auto-Submitted:
 * auto-generated} (RFC 3834: no auto-reply comes back), a Message-ID of our domain, and the
 * {@code multipart/report} of {@link FailureReportWriter}. It is sent with
 * {@link io.jamesdmarc.mailets.outbound.OutboundReportMail}, as every report of ours. Thread-safe.
 */
final class FailureReportMail {

    private static final Session SESSION = Session.getInstance(new Properties());

    private final FailureReporterConfiguration configuration;
    private final FailureReportWriter writer = new FailureReportWriter();

    FailureReportMail(FailureReporterConfiguration configuration) {
        this.configuration = configuration;
    }

    /** A Message-ID for a report mail: unique, in the sender's domain. */
    String newMessageId() {
        String domain = configuration.fromAddress().substring(configuration.fromAddress().lastIndexOf('@') + 1);
        return "<dmarc-failure." + UUID.randomUUID() + "@" + domain.toLowerCase(Locale.ROOT) + ">";
    }

    /** The message carrying {@code report} to {@code destination}. */
    MimeMessage message(FailureReportComposer.Composed composed, String destination, String messageId, Instant now)
        throws MessagingException {
        FailureReport report = composed.report();
        MimeMultipart content;
        try {
            content = composed.message().isPresent() ? writer.write(report, composed.message().get()) : writer.write(report);
        } catch (IOException e) {
            throw new MessagingException("cannot read the reported message", e);
        }
        MimeMessage message = new FixedIdMessage(messageId);
        try {
            message.setFrom(new InternetAddress(configuration.fromAddress(), configuration.fromName(), "UTF-8"));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always there", e);
        }
        message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(destination));
        message.setSubject(configuration.subject(), "UTF-8");
        message.setSentDate(Date.from(now));
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setContent(content);
        message.saveChanges();
        return message;
    }

    /** A message whose Message-ID is ours, not the one jakarta.mail makes up when changes are saved. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(String messageId) {
            super(SESSION);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
