package io.jamesdmarc.model.evaluation.record;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a failure report (RFC 9991, RFC 6591) says about the message beyond the verdict: kept only
 * when a failure report is due, so that the store does not hold every message's header.
 *
 * @param originalMailFrom the MAIL FROM address; empty for the null reverse-path ({@code <>})
 * @param originalRcptTo the RCPT TO addresses
 * @param arrivalDate when the message arrived
 * @param subject the Subject, RFC 2047 encoded-words decoded, when there is one
 * @param headers the header section as received (for {@code text/rfc822-headers})
 * @param headersTruncated whether {@code headers} was cut at a line end to stay within the limit
 */
public record FailureDetails(Optional<String> originalMailFrom,
                             List<String> originalRcptTo,
                             Instant arrivalDate,
                             Optional<String> subject,
                             String headers,
                             boolean headersTruncated) {
    /** The most header characters kept: a failure report carries headers, not a whole spam payload. */
    public static final int MAX_HEADER_CHARS = 64 * 1024;

    public FailureDetails {
        Objects.requireNonNull(originalMailFrom, "originalMailFrom");
        originalRcptTo = List.copyOf(originalRcptTo);
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(headers, "headers");
    }
}
