package io.jamesdmarc.cli.inputs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

import com.google.common.io.ByteSource;
import com.google.common.io.ByteStreams;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeUtility;

/**
 * The Message-ID, From and Subject of an input that is an e-mail (an .eml, an mbox or Maildir
 * message), for its {@code received_messages} row; nothing for any other input. Only the header
 * block is read, and at most {@value #MAX_HEADER_BYTES} bytes of it.
 */
public record MailHeaders(Optional<String> messageId, Optional<String> from, Optional<String> subject) {

    public static final MailHeaders NONE = new MailHeaders(Optional.empty(), Optional.empty(), Optional.empty());

    private static final int MAX_HEADER_BYTES = 256 * 1024;
    /** A header field name and colon (RFC 5322 ftext), after an optional mbox "From " envelope line. */
    private static final Pattern STARTS_LIKE_MAIL = Pattern.compile("(From [^\\r\\n]*\\r?\\n)?[\\x21-\\x39\\x3b-\\x7e]+[ \\t]*:.*",
        Pattern.DOTALL);

    /** The headers of {@code content} when it begins like an e-mail; {@link #NONE} otherwise or when they cannot be read. */
    public static MailHeaders of(ByteSource content) {
        try (InputStream in = ByteStreams.limit(content.openStream(), MAX_HEADER_BYTES)) {
            byte[] head = in.readNBytes(1024);
            if (!STARTS_LIKE_MAIL.matcher(new String(head, StandardCharsets.ISO_8859_1)).matches()) {
                return NONE;
            }
            InternetHeaders headers = new InternetHeaders(new java.io.SequenceInputStream(
                new java.io.ByteArrayInputStream(skipEnvelopeLine(head)), in));
            return new MailHeaders(first(headers, "Message-ID"), first(headers, "From"), first(headers, "Subject"));
        } catch (IOException | MessagingException | RuntimeException e) {
            return NONE;
        }
    }

    private static byte[] skipEnvelopeLine(byte[] head) {
        if (head.length < 5 || !new String(head, 0, 5, StandardCharsets.US_ASCII).equals("From ")) {
            return head;
        }
        int end = 0;
        while (end < head.length && head[end] != '\n') {
            end++;
        }
        return java.util.Arrays.copyOfRange(head, Math.min(end + 1, head.length), head.length);
    }

    private static Optional<String> first(InternetHeaders headers, String name) {
        String value = headers.getHeader(name, null);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String unfolded = MimeUtility.unfold(value).strip();
        try {
            return Optional.of(MimeUtility.decodeText(unfolded));
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return Optional.of(unfolded);
        }
    }
}
