package io.jamesdmarc.storage.ingest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A mail (received by James) or a file ({@code dmarc import}) that carries reports, before it is
 * recorded. Recording is idempotent on {@link #origin} and {@link #originKey}: a mail James retries
 * or a file imported again is the same message.
 *
 * <pre>
 * ReceivedMessage message = ReceivedMessage.mail(mail.getName(), Instant.now())
 *     .messageId(...).envelopeSender(...).recipients(...).authentication(...).build();
 * </pre>
 *
 * @param originKey mail: the James mail name; file: the absolute path and a hash of its content
 */
public record ReceivedMessage(Origin origin,
                              String originKey,
                              Instant receivedAt,
                              Optional<String> messageId,
                              Optional<String> envelopeSender,
                              List<String> recipients,
                              Optional<String> from,
                              Optional<String> subject,
                              Optional<String> remoteAddress,
                              Optional<Path> filePath,
                              Optional<Long> sizeBytes,
                              MailAuthentication authentication) {

    /** Where reports came from. */
    public enum Origin {
        MAIL("mail"),
        FILE("file");

        private final String column;

        Origin(String column) {
            this.column = column;
        }

        /** The value of {@code received_messages.origin}. */
        public String column() {
            return column;
        }
    }

    public ReceivedMessage {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(originKey, "originKey");
        if (originKey.isBlank()) {
            throw new IllegalArgumentException("originKey must not be blank");
        }
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(envelopeSender, "envelopeSender");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(filePath, "filePath");
        Objects.requireNonNull(sizeBytes, "sizeBytes");
        Objects.requireNonNull(authentication, "authentication");
    }

    /** A mail James received; {@code mailName} is {@code Mail.getName()}, unique and kept across retries. */
    public static Builder mail(String mailName, Instant receivedAt) {
        return new Builder(Origin.MAIL, mailName, receivedAt);
    }

    /**
     * A file given to {@code dmarc import}.
     *
     * @param contentSha256 hex SHA-256 of the file's bytes: the same file imported twice is one message, a changed one another
     */
    public static Builder file(Path path, String contentSha256, Instant importedAt) {
        Path absolute = path.toAbsolutePath().normalize();
        return new Builder(Origin.FILE, absolute + "#sha256=" + contentSha256, importedAt).filePath(absolute);
    }

    /**
     * A message in a mailbox given to {@code dmarc import}: an mbox file, a Maildir folder. The key
     * is {@code <mailbox>#<message>#sha256=<hash>}, so that importing the mailbox again finds the
     * message recorded before.
     *
     * @param mailbox the mbox file or Maildir folder; also the {@link #filePath} unless the caller sets another
     * @param message what identifies the message within the mailbox, e.g. {@code message=12} (mbox)
     *                or {@code 1718.M1P2.host} (the Maildir unique name, which flags and moves do not change)
     * @param contentSha256 hex SHA-256 of the message's bytes
     */
    public static Builder mailboxMessage(Path mailbox, String message, String contentSha256, Instant importedAt) {
        Path absolute = mailbox.toAbsolutePath().normalize();
        return new Builder(Origin.FILE, absolute + "#" + message + "#sha256=" + contentSha256, importedAt).filePath(absolute);
    }

    /** For logs: the origin and what identifies the message to a person. */
    public String describe() {
        StringBuilder text = new StringBuilder(origin.column()).append(' ');
        text.append(origin == Origin.FILE ? filePath.map(Path::toString).orElse(originKey) : originKey);
        messageId.ifPresent(id -> text.append(' ').append(id));
        return text.toString();
    }

    /** Sets what is known of a message; everything but the origin is optional. */
    public static final class Builder {
        private final Origin origin;
        private final String originKey;
        private final Instant receivedAt;
        private Optional<String> messageId = Optional.empty();
        private Optional<String> envelopeSender = Optional.empty();
        private List<String> recipients = List.of();
        private Optional<String> from = Optional.empty();
        private Optional<String> subject = Optional.empty();
        private Optional<String> remoteAddress = Optional.empty();
        private Optional<Path> filePath = Optional.empty();
        private Optional<Long> sizeBytes = Optional.empty();
        private MailAuthentication authentication = MailAuthentication.UNKNOWN;

        private Builder(Origin origin, String originKey, Instant receivedAt) {
            this.origin = origin;
            this.originKey = originKey;
            this.receivedAt = receivedAt;
        }

        public Builder messageId(String value) {
            messageId = Optional.ofNullable(value);
            return this;
        }

        public Builder envelopeSender(String value) {
            envelopeSender = Optional.ofNullable(value);
            return this;
        }

        public Builder recipients(List<String> value) {
            recipients = value;
            return this;
        }

        public Builder from(String value) {
            from = Optional.ofNullable(value);
            return this;
        }

        public Builder subject(String value) {
            subject = Optional.ofNullable(value);
            return this;
        }

        public Builder remoteAddress(String value) {
            remoteAddress = Optional.ofNullable(value);
            return this;
        }

        public Builder filePath(Path value) {
            filePath = Optional.ofNullable(value);
            return this;
        }

        public Builder sizeBytes(long value) {
            sizeBytes = Optional.of(value);
            return this;
        }

        public Builder authentication(MailAuthentication value) {
            authentication = value;
            return this;
        }

        public ReceivedMessage build() {
            return new ReceivedMessage(origin, originKey, receivedAt, messageId, envelopeSender, recipients, from, subject,
                remoteAddress, filePath, sizeBytes, authentication);
        }
    }
}
