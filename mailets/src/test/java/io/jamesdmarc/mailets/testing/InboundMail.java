package io.jamesdmarc.mailets.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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

    /**
     * A stored message (a file of the corpus, say) as an SMTP client sends it: an mbox {@code From }
     * line dropped, every line ended by CRLF (SMTP allows nothing else; files often hold LF).
     */
    public static byte[] onTheWire(byte[] stored) {
        int start = 0;
        if (startsWith(stored, "From ")) {
            while (start < stored.length && stored[start] != '\n') {
                start++;
            }
            start++;
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream(stored.length + stored.length / 40);
        for (int i = start; i < stored.length; i++) {
            byte b = stored[i];
            if (b == '\n' && (i == start || stored[i - 1] != '\r')) {
                wire.write('\r');
            }
            wire.write(b);
        }
        return wire.toByteArray();
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        if (bytes.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static List<MailAddress> addresses(List<String> recipients) throws AddressException {
        MailAddress[] addresses = new MailAddress[recipients.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = new MailAddress(recipients.get(i));
        }
        return List.of(addresses);
    }
}
