package io.jamesdmarc.model.failure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** The hand-written failure report fixtures under {@code fixtures/failure}, as text or parsed messages. */
final class FailureFixtures {

    private FailureFixtures() {
    }

    static String text(String name) {
        try (InputStream in = FailureFixtures.class.getResourceAsStream("/fixtures/failure/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture as a message, with LF line ends as written or converted to CRLF as on the wire. */
    static MimeMessage message(String name, boolean crlf) {
        String text = text(name);
        if (crlf) {
            text = text.replace("\n", "\r\n");
        }
        try {
            return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
