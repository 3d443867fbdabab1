package io.jamesdmarc.mailets.evaluate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

import com.google.common.io.ByteSource;

/** A mail's message as bytes, for DKIM: as received, read without parsing it nor changing it. */
final class MessageBytes {

    private MessageBytes() {
    }

    /**
     * The message as James holds it. James's own message gives the bytes received, read from its
     * source each time (a large mail is not copied into memory), with the header fields of any mailet
     * before that changed them; reading does not parse the message, so it stays as received and James
     * writes it out unchanged later.
     */
    static ByteSource of(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (message instanceof MimeMessageWrapper james) {
            return new ByteSource() {
                @Override
                public InputStream openStream() throws IOException {
                    try {
                        return james.getMessageInputStream();
                    } catch (MessagingException e) {
                        throw new IOException("cannot read the message of mail " + mail.getName() + ": " + e.getMessage(), e);
                    }
                }
            };
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            message.writeTo(bytes);
        } catch (IOException e) {
            throw new MessagingException("cannot read the message of mail " + mail.getName() + ": " + e.getMessage(), e);
        }
        return ByteSource.wrap(bytes.toByteArray());
    }
}
