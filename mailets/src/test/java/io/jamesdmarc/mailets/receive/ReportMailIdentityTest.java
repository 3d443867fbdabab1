package io.jamesdmarc.mailets.receive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.Test;

import io.jamesdmarc.mailets.testing.InboundMail;
import io.jamesdmarc.storage.ingest.ReceivedMessage;

class ReportMailIdentityTest {

    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private final ReportMailIdentity identity = new ReportMailIdentity(new ReportMailAuthentication(Set.of()),
        Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theEnvelopeTheClientAndTheHeaders() throws Exception {
        byte[] bytes = """
            From: =?UTF-8?Q?R=C3=A9porteur?= <noreply@reporter.example>
            Subject: Report domain: example.com
             Submitter: reporter.example
            Message-ID: <abc@reporter.example>

            body
            """.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        MailImpl mail = InboundMail.of("Mail1718-x", bytes, "bounce@reporter.example", "dmarc-rua@example.com", "dmarc-ruf@example.com");
        mail.setLastUpdated(Date.from(Instant.parse("2026-05-31T23:59:58Z")));

        ReceivedMessage message = identity.of(mail);
        LifecycleUtil.dispose(mail);

        assertThat(message.origin()).isEqualTo(ReceivedMessage.Origin.MAIL);
        assertThat(message.originKey()).isEqualTo("Mail1718-x");
        assertThat(message.receivedAt()).isEqualTo(Instant.parse("2026-05-31T23:59:58Z"));
        assertThat(message.envelopeSender()).contains("bounce@reporter.example");
        assertThat(message.recipients()).isEqualTo(List.of("dmarc-rua@example.com", "dmarc-ruf@example.com"));
        assertThat(message.remoteAddress()).contains(InboundMail.REMOTE_ADDRESS);
        assertThat(message.messageId()).contains("<abc@reporter.example>");
        assertThat(message.from()).contains("Réporteur <noreply@reporter.example>");
        assertThat(message.subject()).contains("Report domain: example.com Submitter: reporter.example");
        assertThat(message.sizeBytes()).contains((long) bytes.length);
    }

    @Test
    void aNullReversePathAndNoHeaders() throws Exception {
        MailImpl mail = InboundMail.of("Mail2", "\r\nbody\r\n".getBytes(StandardCharsets.UTF_8), null, "dmarc-rua@example.com");
        mail.setLastUpdated(null);

        ReceivedMessage message = identity.of(mail);
        LifecycleUtil.dispose(mail);

        assertThat(message.envelopeSender()).isEmpty();
        assertThat(message.messageId()).isEmpty();
        assertThat(message.receivedAt()).isEqualTo(NOW);
    }
}
