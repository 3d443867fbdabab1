package io.jamesdmarc.mailets.evaluate;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;

import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.evaluation.message.SmtpEnvelope;

/** The SMTP envelope of a mail as James's SMTP server recorded it. */
final class MailEnvelope {

    private MailEnvelope() {
    }

    /**
     * The SMTP client's address (no DNS look-up: James records it as an IP literal), or empty when
     * it is not an IP address.
     */
    static Optional<InetAddress> clientAddress(Mail mail) {
        String remote = mail.getRemoteAddr();
        if (remote == null) {
            return Optional.empty();
        }
        String literal = remote.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (literal.regionMatches(true, 0, "IPv6:", 0, 5)) {
            literal = literal.substring(5);
        }
        return InetAddresses.isInetAddress(literal) ? Optional.of(InetAddresses.forString(literal)) : Optional.empty();
    }

    /**
     * The envelope: the client's address, the HELO/EHLO name (James's {@link Mail#SMTP_HELO}
     * attribute, else the client's host name as James's {@code SPF} mailet takes it, unless that is
     * only the address again), MAIL FROM (empty for the null reverse-path), RCPT TO, and when James
     * received the mail.
     */
    static SmtpEnvelope of(Mail mail, InetAddress client, Clock clock) {
        Optional<String> helo = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_HELO, String.class)
            .or(() -> Optional.ofNullable(mail.getRemoteHost()))
            .map(String::strip)
            .filter(name -> !name.isEmpty() && !name.equals(mail.getRemoteAddr()) && !InetAddresses.isInetAddress(name));
        return new SmtpEnvelope(client, helo,
            mail.getMaybeSender().asOptional().map(MailAddress::asString),
            mail.getRecipients().stream().map(MailAddress::asString).toList(),
            mail.getLastUpdated() == null ? clock.instant() : mail.getLastUpdated().toInstant());
    }
}
