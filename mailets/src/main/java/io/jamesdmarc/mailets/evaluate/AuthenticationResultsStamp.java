package io.jamesdmarc.mailets.evaluate;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.mail.MessagingException;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

import io.jamesdmarc.model.evaluation.auth.AuthenticationResults;

/**
 * This server's Authentication-Results header field (RFC 8601) on a mail: added on top, as a trace
 * field, after every field that claims this server's authserv-id has been taken away (RFC 8601
 * section 5: anyone outside can write one, and the user's mail client would believe it). Every
 * other byte of the message stays as received.
 *
 * <p>The mail gets a new message, written byte for byte: the field, then the header received
 * without the removed fields, then the body. Changing the header through jakarta.mail would make
 * James 3.9 write the whole header anew when it stores the mail, turning every non-ASCII byte of
 * it into {@code ?} (raw UTF-8 in a Subject, RFC 6532 addresses) and adding a MIME-Version, Date
 * or Message-ID the sender did not write. The message is never parsed.
 */
final class AuthenticationResultsStamp {

    private static final byte[] FIELD_NAME = AuthenticationResults.HEADER_NAME.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    /** Header bytes read at most: a header larger than this (James's own limit is far lower) is left as it is. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private final String authservId;

    AuthenticationResultsStamp(String authservId) {
        this.authservId = authservId;
    }

    /**
     * Puts {@code value} on top of the mail's message as this server's field (when present), removing
     * the fields claiming this server's authserv-id; leaves the mail as it is when there is neither
     * anything to add nor anything to remove.
     *
     * @return how many fields claiming this server's authserv-id were removed
     */
    int stamp(Mail mail, Optional<String> value) throws MessagingException, IOException {
        try (InputStream in = new BufferedInputStream(MessageBytes.of(mail).openStream(), 64 * 1024)) {
            Header header = Header.read(in);
            if (header.overflow()) {
                return 0;
            }
            List<byte[]> kept = new ArrayList<>(header.fields().size());
            int removed = 0;
            for (byte[] field : header.fields()) {
                if (claimsOurId(field)) {
                    removed++;
                } else {
                    kept.add(field);
                }
            }
            if (removed == 0 && value.isEmpty()) {
                return 0;
            }
            ByteArrayOutputStream top = new ByteArrayOutputStream(header.size() + 512);
            if (value.isPresent()) {
                top.writeBytes((AuthenticationResults.HEADER_NAME + ": " + value.get() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            kept.forEach(top::writeBytes);
            top.writeBytes(header.separator());
            replaceMessage(mail, new SequenceInputStream(new ByteArrayInputStream(top.toByteArray()), in));
            return removed;
        }
    }

    /** Gives the mail a message of James's own over {@code content}: James writes it out as it is. */
    private static void replaceMessage(Mail mail, InputStream content) throws MessagingException {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(mail.getName() + "-dmarc", content);
        if (mail instanceof MailImpl james) {
            james.setMessageContent(source); // releases the message it replaces
        } else {
            mail.setMessage(new MimeMessageWrapper(source));
        }
    }

    private boolean claimsOurId(byte[] field) {
        if (field.length <= FIELD_NAME.length) {
            return false;
        }
        for (int i = 0; i < FIELD_NAME.length; i++) {
            if (Character.toLowerCase((char) (field[i] & 0xff)) != FIELD_NAME[i]) {
                return false;
            }
        }
        int colon = FIELD_NAME.length;
        while (colon < field.length && (field[colon] == ' ' || field[colon] == '\t')) {
            colon++;
        }
        if (colon >= field.length || field[colon] != ':') {
            return false;
        }
        String fieldValue = new String(field, colon + 1, field.length - colon - 1, StandardCharsets.ISO_8859_1);
        Optional<String> id = AuthenticationResults.authservIdOf(fieldValue);
        return id.isPresent() && id.get().equalsIgnoreCase(authservId);
    }

    /**
     * A message's header as received: its fields, each with its folded lines and line ends, and the
     * empty line that ends it (empty when the message has no body).
     */
    record Header(List<byte[]> fields, byte[] separator, int size, boolean overflow) {

        static Header read(InputStream in) throws IOException {
            List<byte[]> fields = new ArrayList<>();
            ByteArrayOutputStream field = new ByteArrayOutputStream(256);
            int size = 0;
            while (true) {
                byte[] line = readLine(in);
                size += line.length;
                if (size > MAX_HEADER_BYTES) {
                    return new Header(List.of(), new byte[0], size, true);
                }
                if (line.length == 0 || isEmptyLine(line)) {
                    if (field.size() > 0) {
                        fields.add(field.toByteArray());
                    }
                    return new Header(fields, line, size, false);
                }
                boolean continuation = line[0] == ' ' || line[0] == '\t';
                if (!continuation && field.size() > 0) {
                    fields.add(field.toByteArray());
                    field.reset();
                }
                field.writeBytes(line);
            }
        }

        private static boolean isEmptyLine(byte[] line) {
            return line.length == 1 && line[0] == '\n' || line.length == 2 && line[0] == '\r' && line[1] == '\n';
        }

        /** One line with its line end; empty at the end of the stream. */
        private static byte[] readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            int b;
            while ((b = in.read()) >= 0) {
                line.write(b);
                if (b == '\n') {
                    break;
                }
            }
            return line.toByteArray();
        }
    }
}
