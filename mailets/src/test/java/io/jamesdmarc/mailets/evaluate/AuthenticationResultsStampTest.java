package io.jamesdmarc.mailets.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageWrapper;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.mailets.testing.InboundMail;

/** The field on top, forged ones taken away, every other byte as it was. */
class AuthenticationResultsStampTest {

    private final AuthenticationResultsStamp stamp = new AuthenticationResultsStamp("mx.example.com");

    private static String stamped(String message, Optional<String> value, int expectedRemoved) throws Exception {
        MailImpl mail = InboundMail.of("Mail1", message.getBytes(StandardCharsets.ISO_8859_1), "a@example.org", "b@example.com");
        try {
            assertThat(new AuthenticationResultsStamp("mx.example.com").stamp(mail, value)).isEqualTo(expectedRemoved);
            // what James would write: the message's source, as it is
            assertThat(((MimeMessageWrapper) mail.getMessage()).isModified()).isFalse();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = ((MimeMessageWrapper) mail.getMessage()).getMessageInputStream()) {
                in.transferTo(out);
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    @Test
    void forgedFieldsGoWhereverTheyAreFoldedOrNotOthersStay() throws Exception {
        String message = "Received: from x by y;\r\n\tMon, 1 Jun 2026 08:00:00 +0000\r\n"
            + "Authentication-Results: MX.example.com; dmarc=pass\r\n"
            + "authentication-results :\r\n mx.example.com;\r\n\tspf=pass smtp.mailfrom=example.org\r\n"
            + "Authentication-Results: mx.example.com.evil; dkim=pass\r\n"
            + "Authentication-Results-Extra: mx.example.com\r\n"
            + "Subject: Gr\u00fc\u00dfe \u00ff\r\n"
            + "\r\n"
            + "Authentication-Results: mx.example.com; in the body, not a field\r\n";

        assertThat(stamped(message, Optional.of("mx.example.com;\r\n\tdmarc=none"), 2)).isEqualTo(
            "Authentication-Results: mx.example.com;\r\n\tdmarc=none\r\n"
                + "Received: from x by y;\r\n\tMon, 1 Jun 2026 08:00:00 +0000\r\n"
                + "Authentication-Results: mx.example.com.evil; dkim=pass\r\n"
                + "Authentication-Results-Extra: mx.example.com\r\n"
                + "Subject: Gr\u00fc\u00dfe \u00ff\r\n"
                + "\r\n"
                + "Authentication-Results: mx.example.com; in the body, not a field\r\n");
    }

    @Test
    void bareLineFeedsAndAMessageWithoutBodyStayAsTheyAre() throws Exception {
        assertThat(stamped("From: a@example.org\nSubject: x\n\nbody\n", Optional.of("mx.example.com; dkim=none"), 0))
            .isEqualTo("Authentication-Results: mx.example.com; dkim=none\r\nFrom: a@example.org\nSubject: x\n\nbody\n");
        assertThat(stamped("From: a@example.org\r\nSubject: no end", Optional.of("mx.example.com; dkim=none"), 0))
            .isEqualTo("Authentication-Results: mx.example.com; dkim=none\r\nFrom: a@example.org\r\nSubject: no end");
    }

    @Test
    void withNothingToAddNorRemoveTheMessageIsLeftAlone() throws Exception {
        MailImpl mail = InboundMail.of("Mail2", "From: a@example.org\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII), null, "b@example.com");
        try {
            Object before = mail.getMessage();
            assertThat(stamp.stamp(mail, Optional.empty())).isZero();
            assertThat(mail.getMessage()).isSameAs(before);
        } finally {
            LifecycleUtil.dispose(mail);
        }
        assertThat(stamped("Authentication-Results: mx.example.com; spf=pass\r\nFrom: a@example.org\r\n\r\nbody\r\n", Optional.empty(), 1))
            .isEqualTo("From: a@example.org\r\n\r\nbody\r\n");
    }
}
