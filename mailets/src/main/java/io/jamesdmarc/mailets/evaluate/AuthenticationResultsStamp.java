package io.jamesdmarc.mailets.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import io.jamesdmarc.model.evaluation.auth.AuthenticationResults;

/**
 * This server's Authentication-Results header field (RFC 8601) on a message: added on top, as a
 * trace field, after every field that claims this server's authserv-id has been taken away (RFC
 * 8601 section 5: anyone outside can write one, and the user's mail client would believe it).
 * Fields of other hosts stay where they are.
 *
 * <p>Only the header is changed: James writes the body out as received.
 */
final class AuthenticationResultsStamp {

    private static final String FIELD_PREFIX = AuthenticationResults.HEADER_NAME.toLowerCase(Locale.ROOT) + ":";

    private final String authservId;

    AuthenticationResultsStamp(String authservId) {
        this.authservId = authservId;
    }

    /**
     * Adds {@code value} as this server's field, first removing those claiming its authserv-id.
     *
     * @return how many such fields were removed
     */
    int stamp(MimeMessage message, String value) throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        List<String> kept = withoutOurs(lines);
        List<String> rewritten = new ArrayList<>(kept.size() + 1);
        rewritten.add(AuthenticationResults.HEADER_NAME + ": " + value);
        rewritten.addAll(kept);
        rewrite(message, rewritten);
        return lines.size() - kept.size();
    }

    /**
     * Removes the fields claiming this server's authserv-id, leaving the header as it is when there
     * is none (a mail this server does not evaluate).
     *
     * @return how many were removed
     */
    int removeForged(MimeMessage message) throws MessagingException {
        String[] values = message.getHeader(AuthenticationResults.HEADER_NAME);
        if (values == null || Arrays.stream(values).noneMatch(this::claimsOurId)) {
            return 0;
        }
        List<String> lines = Collections.list(message.getAllHeaderLines());
        List<String> kept = withoutOurs(lines);
        rewrite(message, kept);
        return lines.size() - kept.size();
    }

    private List<String> withoutOurs(List<String> lines) {
        List<String> kept = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (!line.regionMatches(true, 0, FIELD_PREFIX, 0, FIELD_PREFIX.length())
                || !claimsOurId(line.substring(FIELD_PREFIX.length()))) {
                kept.add(line);
            }
        }
        return kept;
    }

    private boolean claimsOurId(String fieldValue) {
        Optional<String> id = AuthenticationResults.authservIdOf(fieldValue);
        return id.isPresent() && id.get().equalsIgnoreCase(authservId);
    }

    /**
     * Replaces the header with {@code lines}, each as written (folding kept): jakarta.mail adds a
     * field after the others, so a field goes on top only by writing the header again, as James's
     * {@code DKIMSign} does for its signature.
     */
    private static void rewrite(MimeMessage message, List<String> lines) throws MessagingException {
        Set<String> names = new LinkedHashSet<>();
        for (Header header : Collections.list(message.getAllHeaders())) {
            names.add(header.getName());
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        for (String line : lines) {
            message.addHeaderLine(line);
        }
    }
}
