package io.jamesdmarc.model.failure;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DMARC failure report (RFC 6591 / RFC 9991 AFRF), or a plain-text failure notice that states
 * the same facts without a {@code message/feedback-report} part (Exim and others).
 *
 * <p>Single-valued fields hold the first occurrence; {@link #fields} keeps every field as written,
 * unknown ones included, so nothing the reporter said is lost.
 *
 * @param kind how the report was recognised
 * @param sourceIpText Source-IP as written (may carry a host name after the address)
 * @param sourceIp the address part of Source-IP, when it is an IP literal
 * @param arrivalDate Arrival-Date as written
 * @param arrivalTime Arrival-Date parsed as an RFC 5322 date, when it is one
 * @param reportedMessage the reported message or its headers, when the report includes them
 */
public record FailureReport(Kind kind,
                            Optional<String> feedbackType,
                            Optional<String> userAgent,
                            Optional<String> version,
                            Optional<String> authFailure,
                            Optional<String> identityAlignment,
                            Optional<String> originalMailFrom,
                            List<String> originalRcptTo,
                            Optional<String> arrivalDate,
                            Optional<Instant> arrivalTime,
                            Optional<String> sourceIpText,
                            Optional<InetAddress> sourceIp,
                            Optional<String> reportedDomain,
                            List<String> reportedUri,
                            Optional<String> dkimDomain,
                            Optional<String> dkimIdentity,
                            Optional<String> dkimSelector,
                            Optional<String> spfDns,
                            Optional<String> deliveryResult,
                            List<String> authenticationResults,
                            List<Field> fields,
                            Optional<ReportedMessage> reportedMessage) {

    /** How a failure report was recognised. */
    public enum Kind {
        /** A {@code message/feedback-report} part (RFC 5965 ARF with RFC 6591/9991 fields). */
        AFRF,
        /** A human-readable failure notice with no ARF part; fields are what its text states. */
        PLAIN_TEXT_NOTICE
    }

    /** One {@code Name: value} field of the feedback report, unfolded, as written. */
    public record Field(String name, String value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public FailureReport {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(feedbackType, "feedbackType");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(authFailure, "authFailure");
        Objects.requireNonNull(identityAlignment, "identityAlignment");
        Objects.requireNonNull(originalMailFrom, "originalMailFrom");
        originalRcptTo = List.copyOf(originalRcptTo);
        Objects.requireNonNull(arrivalDate, "arrivalDate");
        Objects.requireNonNull(arrivalTime, "arrivalTime");
        Objects.requireNonNull(sourceIpText, "sourceIpText");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(reportedDomain, "reportedDomain");
        reportedUri = List.copyOf(reportedUri);
        Objects.requireNonNull(dkimDomain, "dkimDomain");
        Objects.requireNonNull(dkimIdentity, "dkimIdentity");
        Objects.requireNonNull(dkimSelector, "dkimSelector");
        Objects.requireNonNull(spfDns, "spfDns");
        Objects.requireNonNull(deliveryResult, "deliveryResult");
        authenticationResults = List.copyOf(authenticationResults);
        fields = List.copyOf(fields);
        Objects.requireNonNull(reportedMessage, "reportedMessage");
    }
}
