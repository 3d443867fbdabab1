package io.jamesdmarc.model.failure;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import com.google.common.io.ByteSource;
import com.google.common.net.InetAddresses;

import io.jamesdmarc.model.failure.FailureReport.Field;
import io.jamesdmarc.model.failure.FailureReport.Kind;

/**
 * Builds the DMARC failure report this server sends (RFC 9991 AFRF): typed values in, the
 * {@link FailureReport} the parser would read from the same fields out, so what is written is what
 * a receiver reads. Fields come in a fixed order; values are stripped of surrounding blanks and
 * may not contain line breaks (no header injection through a reported value).
 *
 * <pre>{@code
 * FailureReport report = FailureReportBuilder.dmarcFailure()
 *     .userAgent("james-dmarc/1.0")
 *     .identityAlignment("dkim")
 *     .authenticationResults("mx.example.net; dmarc=fail header.from=example.com")
 *     .originalMailFrom("<bounce@example.com>")
 *     .originalRcptTo("user@example.net")
 *     .arrivalDate(arrival)
 *     .sourceIp(address)
 *     .reportedDomain("example.com")
 *     .dkim("example.com", null, "s2026")
 *     .reportedHeaders(headerBlock)
 *     .build();
 * }</pre>
 */
public final class FailureReportBuilder {

    /** RFC 5322 date-time, in UTC: what Arrival-Date holds. */
    static final DateTimeFormatter RFC_5322 =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx", Locale.US).withZone(ZoneOffset.UTC);

    private String feedbackType = "auth-failure";
    private String userAgent;
    private String version = "1";
    private String authFailure = "dmarc";
    private String identityAlignment;
    private final List<String> authenticationResults = new ArrayList<>();
    private String originalMailFrom;
    private final List<String> originalRcptTo = new ArrayList<>();
    private String arrivalDate;
    private String sourceIp;
    private String reportedDomain;
    private final List<String> reportedUri = new ArrayList<>();
    private String dkimDomain;
    private String dkimIdentity;
    private String dkimSelector;
    private String spfDns;
    private String deliveryResult;
    private final List<Field> otherFields = new ArrayList<>();
    private ReportedMessage reportedMessage;

    private FailureReportBuilder() {
    }

    /** A DMARC failure report: {@code Feedback-Type: auth-failure}, {@code Version: 1}, {@code Auth-Failure: dmarc}. */
    public static FailureReportBuilder dmarcFailure() {
        return new FailureReportBuilder();
    }

    public FailureReportBuilder userAgent(String value) {
        userAgent = value(value);
        return this;
    }

    /** {@code none}, or the mechanisms that failed to authenticate an aligned identity: {@code dkim}, {@code spf}, {@code dkim, spf}. */
    public FailureReportBuilder identityAlignment(String value) {
        identityAlignment = value(value);
        return this;
    }

    /** One Authentication-Results value (repeatable), as in the header field of that name. */
    public FailureReportBuilder authenticationResults(String value) {
        authenticationResults.add(value(value));
        return this;
    }

    /** The SMTP MAIL FROM, as given ({@code <a@example.com>}, or {@code <>} for bounces). */
    public FailureReportBuilder originalMailFrom(String value) {
        originalMailFrom = value(value);
        return this;
    }

    /** One SMTP RCPT TO (repeatable). */
    public FailureReportBuilder originalRcptTo(String value) {
        originalRcptTo.add(value(value));
        return this;
    }

    /** When the message arrived; written to the second, in UTC. */
    public FailureReportBuilder arrivalDate(Instant arrival) {
        arrivalDate = RFC_5322.format(Objects.requireNonNull(arrival, "arrival"));
        return this;
    }

    public FailureReportBuilder sourceIp(InetAddress address) {
        sourceIp = InetAddresses.toAddrString(Objects.requireNonNull(address, "address"));
        return this;
    }

    /** The RFC5322.From domain that failed DMARC. */
    public FailureReportBuilder reportedDomain(String value) {
        reportedDomain = value(value);
        return this;
    }

    /** One URI the report concerns (repeatable). */
    public FailureReportBuilder reportedUri(String value) {
        reportedUri.add(value(value));
        return this;
    }

    /**
     * The DKIM signature that failed to give an aligned pass.
     *
     * @param identity its {@code i=}; {@code null} for the default, {@code @} and the domain (RFC 6376)
     */
    public FailureReportBuilder dkim(String domain, String identity, String selector) {
        dkimDomain = value(domain);
        dkimIdentity = identity == null ? "@" + dkimDomain : value(identity);
        dkimSelector = value(selector);
        return this;
    }

    /** The SPF record(s) retrieved, as RFC 6591 writes them ({@code txt : example.com : v=spf1 ...}). */
    public FailureReportBuilder spfDns(String value) {
        spfDns = value(value);
        return this;
    }

    /** What was done with the message: {@code delivered}, {@code spam}, {@code policy}, {@code reject}, {@code other}. */
    public FailureReportBuilder deliveryResult(String value) {
        deliveryResult = value(value);
        return this;
    }

    /** Any other ARF field (e.g. {@code Original-Envelope-Id}, {@code Source-Port}), written after the others. */
    public FailureReportBuilder field(String name, String value) {
        if (!name.matches("[\\x21-\\x39\\x3b-\\x7e]+")) {
            throw new IllegalArgumentException("not a field name: " + name);
        }
        otherFields.add(new Field(name, value(value)));
        return this;
    }

    /**
     * The reported message's header block, to be sent as {@code text/rfc822-headers}
     * ({@link FailureReportWriter#write(FailureReport)}); lines end with CRLF as they will on the wire.
     */
    public FailureReportBuilder reportedHeaders(String headerBlock) {
        String crlf = headerBlock.replaceAll("\r?\n|\r", "\r\n");
        reportedMessage = FailureReportParser.reportedMessage(crlf.isEmpty() || crlf.endsWith("\r\n") ? crlf : crlf + "\r\n", false);
        return this;
    }

    /**
     * The reported message, to be sent whole as {@code message/rfc822}
     * ({@link FailureReportWriter#write(FailureReport, ByteSource)}): its header is read as a receiver will.
     */
    public FailureReportBuilder reportedMessage(ByteSource message) throws IOException {
        reportedMessage = FailureReportParser.reportedMessage(FailureReportParser.headerBlockOf(message), true);
        return this;
    }

    public FailureReport build() {
        List<Field> fields = new ArrayList<>();
        add(fields, "Feedback-Type", feedbackType);
        add(fields, "User-Agent", userAgent);
        add(fields, "Version", version);
        add(fields, "Auth-Failure", authFailure);
        add(fields, "Identity-Alignment", identityAlignment);
        authenticationResults.forEach(v -> add(fields, "Authentication-Results", v));
        add(fields, "Original-Mail-From", originalMailFrom);
        originalRcptTo.forEach(v -> add(fields, "Original-Rcpt-To", v));
        add(fields, "Arrival-Date", arrivalDate);
        add(fields, "Source-IP", sourceIp);
        add(fields, "Reported-Domain", reportedDomain);
        reportedUri.forEach(v -> add(fields, "Reported-URI", v));
        add(fields, "DKIM-Domain", dkimDomain);
        add(fields, "DKIM-Identity", dkimIdentity);
        add(fields, "DKIM-Selector", dkimSelector);
        add(fields, "SPF-DNS", spfDns);
        add(fields, "Delivery-Result", deliveryResult);
        fields.addAll(otherFields);
        return FailureReportParser.fromFields(Kind.AFRF, fields, Optional.ofNullable(reportedMessage));
    }

    private static void add(List<Field> fields, String name, String value) {
        if (value != null) {
            fields.add(new Field(name, value));
        }
    }

    private static String value(String value) {
        String stripped = Objects.requireNonNull(value, "value").strip();
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("an empty value states nothing: leave the field out");
        }
        if (stripped.indexOf('\r') >= 0 || stripped.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a line break in a field value: " + stripped.replaceAll("[\r\n]", "\\\\n"));
        }
        return stripped;
    }
}
