package io.jamesdmarc.model.failure;

import java.util.Objects;
import java.util.Optional;

/**
 * The message a failure report is about, as included in the report ({@code message/rfc822}) or
 * only its header ({@code text/rfc822-headers}).
 *
 * @param headers the header block as included (unfolded lines kept as written)
 * @param fullMessage true when the whole message was included, not only its header
 */
public record ReportedMessage(Optional<String> subject,
                              Optional<String> from,
                              Optional<String> to,
                              Optional<String> messageId,
                              Optional<String> date,
                              String headers,
                              boolean fullMessage) {
    public ReportedMessage {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(headers, "headers");
    }
}
