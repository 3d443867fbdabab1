package io.jamesdmarc.mailets.evaluate;

import java.util.Optional;

import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.DmarcAttributes;

/**
 * Mail this server's own users and mailets send, which is not evaluated: DMARC is about mail
 * received from other domains' servers, and an aggregate report must not count our own.
 *
 * <p>The rules are those of James's own {@code relay-allowed} matcher (the sample configuration's
 * {@code transport} processor), which tells mail submitted by our users from mail received: SMTP
 * AUTH succeeded ({@code SMTPAuthSuccessful}), the client is in {@code authorizedAddresses}
 * ({@code SMTPIsAuthNetwork}), a mailet sent it ({@code SentByMailet}: bounces, vacation replies,
 * and so the james-dmarc reports), a JMAP client sent it ({@code SentByJmap}); plus the attribute
 * james-dmarc's reporters set ({@link DmarcAttributes#OUTBOUND_REPORT}).
 *
 * <p>The MAIL FROM domain is deliberately not a reason ({@code SenderIsLocal}): spoofers use our own
 * domains in MAIL FROM and From, which is what DMARC is there to catch.
 */
final class OwnMail {

    private OwnMail() {
    }

    /** Why the mail is our own, or empty when it was received from elsewhere. */
    static Optional<String> why(Mail mail) {
        if (mail.getAttribute(DmarcAttributes.OUTBOUND_REPORT).isPresent()) {
            return Optional.of("a james-dmarc report");
        }
        if (mail.getAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE.getName()).isPresent()) {
            return Optional.of("sent by a mailet");
        }
        if (mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent()) {
            return Optional.of("submitted by SMTP AUTH user " + text(mail, Mail.SMTP_AUTH_USER).orElse("(unnamed)"));
        }
        if (AttributeUtils.getValueAndCastFromMail(mail, DmarcAttributes.JAMES_AUTHORIZED_NETWORK, Boolean.class).orElse(false)) {
            return Optional.of("submitted from an authorized network (" + mail.getRemoteAddr() + ")");
        }
        if (mail.getAttribute(DmarcAttributes.JAMES_JMAP_SENDER).isPresent()) {
            return Optional.of("sent with JMAP by " + text(mail, DmarcAttributes.JAMES_JMAP_SENDER).orElse("(unnamed)"));
        }
        return Optional.empty();
    }

    private static Optional<String> text(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(attribute -> String.valueOf(attribute.getValue().value()));
    }
}
