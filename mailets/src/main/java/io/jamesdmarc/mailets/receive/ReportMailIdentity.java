package io.jamesdmarc.mailets.receive;

import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.MailNames;
import io.jamesdmarc.storage.ingest.ReceivedMessage;

/**
 * What identifies a report mail in the store: James's mail name (what makes a retried mail the same
 * message), when James received it, the SMTP envelope and client, the Message-ID, From and Subject,
 * and how the mail authenticated. Thread-safe.
 */
public final class ReportMailIdentity {

    private static final Pattern FOLDING = Pattern.compile("\r?\n[ \t]*");

    private final ReportMailAuthentication authentication;
    private final Clock clock;

    public ReportMailIdentity(ReportMailAuthentication authentication, Clock clock) {
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public ReceivedMessage of(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        ReceivedMessage.Builder builder = ReceivedMessage.mail(MailNames.originKey(mail.getName()),
                mail.getLastUpdated() == null ? clock.instant() : mail.getLastUpdated().toInstant())
            .envelopeSender(mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse(null))
            .recipients(mail.getRecipients().stream().map(MailAddress::asString).toList())
            .remoteAddress(mail.getRemoteAddr())
            .messageId(header(message, "Message-ID").orElse(null))
            .from(header(message, "From").orElse(null))
            .subject(header(message, "Subject").orElse(null))
            .authentication(authentication.read(mail));
        long size = mail.getMessageSize();
        if (size >= 0) {
            builder.sizeBytes(size);
        }
        return builder.build();
    }

    /** A header field's first value, unfolded, encoded words decoded (as written when they do not decode). */
    private static Optional<String> header(MimeMessage message, String name) throws MessagingException {
        String value = message.getHeader(name, null);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String unfolded = FOLDING.matcher(value).replaceAll(" ").strip();
        try {
            return Optional.of(MimeUtility.decodeText(unfolded));
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return Optional.of(unfolded);
        }
    }
}
