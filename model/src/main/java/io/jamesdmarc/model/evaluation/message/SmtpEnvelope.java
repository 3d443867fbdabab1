package io.jamesdmarc.model.evaluation.message;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the SMTP session said about a message: where it came from and to whom it goes.
 *
 * @param clientAddress the connecting SMTP client's IP address
 * @param helo the HELO/EHLO name, when known
 * @param mailFrom the MAIL FROM address; empty for the null reverse-path ({@code <>})
 * @param recipients the RCPT TO addresses
 * @param receivedAt when the message arrived
 */
public record SmtpEnvelope(InetAddress clientAddress,
                           Optional<String> helo,
                           Optional<String> mailFrom,
                           List<String> recipients,
                           Instant receivedAt) {
    public SmtpEnvelope {
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(mailFrom, "mailFrom");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
