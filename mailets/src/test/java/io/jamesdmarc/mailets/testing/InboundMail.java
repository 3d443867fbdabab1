package io.jamesdmarc.mailets.testing;

import java.io.ByteArrayInputStream;
import java.util.List;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Mail;

/**
 * A mail as James's SMTP server hands it to the spooler: James's own {@link MailImpl} over a
 * {@code MimeMessageWrapper} of the bytes received (written out unchanged unless a mailet changes
 * them), in state {@code root}, from a client at {@value #REMOTE_ADDRESS}.
 */
public final class InboundMail {

    public static final String REMOTE_ADDRESS = "192.0.2.25";
    public static final String REMOTE_HOST = "mail.reporter.example";

    private InboundMail() {
    }

    /** @param sender the MAIL FROM address, or null for a null reverse-path */
    public static MailImpl of(String name, byte[] rfc822, String sender, String... recipients) throws MessagingException {
        return of(name, rfc822, sender, List.of(recipients));
    }

    public static MailImpl of(String name, byte[] rfc822, String sender, List<String> recipients) throws MessagingException {
        MailImpl.Builder builder = MailImpl.builder()
            .name(name)
            .addRecipients(addresses(recipients))
            .remoteAddr(REMOTE_ADDRESS)
            .remoteHost(REMOTE_HOST)
            .state(Mail.DEFAULT);
        if (sender != null) {
            builder.sender(new MailAddress(sender));
        }
        MailImpl mail = builder.build();
        mail.setMessageContent(MimeMessageInputStreamSource.create(name, new ByteArrayInputStream(rfc822)));
        return mail;
    }

    private static List<MailAddress> addresses(List<String> recipients) throws AddressException {
        MailAddress[] addresses = new MailAddress[recipients.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = new MailAddress(recipients.get(i));
        }
        return List.of(addresses);
    }
}
