package io.jamesdmarc.model.failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.FailureDetails;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * The failure report (RFC 9991 AFRF) this server sends about one Author Domain of a recorded
 * evaluation: the evaluation's facts as {@link FailureReportBuilder} fields, the reported header
 * (redacted as configured), ready for {@link FailureReportWriter}.
 *
 * <ul>
 * <li>{@code Identity-Alignment}: as RFC 9991 defines it, the mechanisms that "failed to authenticate an
 *     aligned identity": {@code dkim} when a signature whose {@code d=} is aligned with the Author Domain
 *     failed, {@code spf} when SPF failed for an aligned domain, {@code none} when neither (a spoof with
 *     no aligned identifier at all, or a report due for an unaligned failure under {@code fo=d}/{@code s}).
 *     Not {@link DomainVerdict#alignedPasses()}, which lists the mechanisms that passed;</li>
 * <li>{@code Authentication-Results}: what this server found, e.g. {@code mx.example.com; dkim=fail
 *     header.d=example.org header.s=sel; spf=fail smtp.mailfrom=example.org; dmarc=fail header.from=example.org};</li>
 * <li>{@code DKIM-Domain}, {@code DKIM-Identity} ({@code @} and the domain, RFC 6376's default: the
 *     evaluation keeps no {@code i=}), {@code DKIM-Selector}: of the aligned signature that failed, else of
 *     the first signature that failed (signatures without a selector are not named);</li>
 * <li>{@code SPF-DNS}: the SPF record the caller looked up ({@link #spfDnsDomain}) when SPF failed;</li>
 * <li>{@code Delivery-Result}: what was done with the message (reject, spam for quarantine, delivered).</li>
 * </ul>
 * Thread-safe.
 */
public final class FailureReportComposer {

    /** DKIM results that are failures of a signature (RFC 9991 asks for DKIM-Domain/Selector for those). */
    private static final Set<DkimResult> DKIM_FAILURES = EnumSet.of(DkimResult.FAIL, DkimResult.PERMERROR, DkimResult.TEMPERROR,
        DkimResult.POLICY);
    private static final Set<SpfResult> SPF_FAILURES = EnumSet.of(SpfResult.FAIL, SpfResult.SOFTFAIL, SpfResult.PERMERROR,
        SpfResult.TEMPERROR);

    /** Whether an identifier is aligned with the Author Domain in a mode (RFC 9989): the caller's DNS-backed check. */
    @FunctionalInterface
    public interface AlignmentCheck {
        boolean aligned(String identifier, String authorDomain, Alignment mode);

        /** Strict alignment for every mode: for callers without the DNS (relaxed alignment needs Organizational Domains). */
        AlignmentCheck SAME_DOMAIN = (identifier, authorDomain, mode) -> identifier.equalsIgnoreCase(authorDomain);
    }

    private final String authservId;
    private final String userAgent;
    private final LocalPartRedaction redaction;

    /**
     * @param authservId this server's name at the head of Authentication-Results
     * @param userAgent the User-Agent field: the reporting software and its version
     */
    public FailureReportComposer(String authservId, String userAgent, LocalPartRedaction redaction) {
        this.authservId = Objects.requireNonNull(authservId, "authservId");
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
        this.redaction = Objects.requireNonNull(redaction, "redaction");
    }

    /**
     * The domain whose SPF record the report should quote in SPF-DNS (the SPF domain when SPF did not
     * pass, or is aligned); empty when no SPF-DNS field is called for.
     */
    public static Optional<String> spfDnsDomain(EvaluationRecord record, DomainVerdict verdict) {
        return record.spf().filter(FailureReportComposer::spfFailed).map(SpfAuthResult::domain);
    }

    private static boolean spfFailed(SpfAuthResult spf) {
        return spf.result().value().map(SPF_FAILURES::contains).orElse(true);
    }

    private static boolean dkimFailed(DkimAuthResult dkim) {
        return dkim.result().value().map(DKIM_FAILURES::contains).orElse(true);
    }

    /** The SPF-DNS value (RFC 6591) of a TXT record found at {@code domain}. */
    public static String spfDns(String domain, String record) {
        return "txt : " + domain + " : " + record;
    }

    /**
     * The report on {@code verdict}'s Author Domain of {@code record}.
     *
     * @param spfDns the SPF-DNS value ({@link #spfDns}) when {@link #spfDnsDomain} asked for one and a record was found
     * @throws IllegalArgumentException the record owes no failure report (it has no failure details)
     */
    public FailureReport compose(EvaluationRecord record, DomainVerdict verdict, Optional<String> spfDns, AlignmentCheck alignment) {
        return compose(record, verdict, spfDns, Optional.empty(), alignment).report();
    }

    /**
     * A report and the message it includes.
     *
     * @param message the whole message ({@code message/rfc822}), redacted as the header is; empty: the header only
     */
    public record Composed(FailureReport report, Optional<ByteSource> message) {
        public Composed {
            Objects.requireNonNull(report, "report");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The report on {@code verdict}'s Author Domain of {@code record}, including the whole {@code message}
     * when given (its header redacted like the header part would be, its body as received).
     */
    public Composed compose(EvaluationRecord record, DomainVerdict verdict, Optional<String> spfDns, Optional<byte[]> message,
                            AlignmentCheck alignmentCheck) {
        FailureDetails details = record.failure()
            .orElseThrow(() -> new IllegalArgumentException("evaluation " + record.id() + " has no failure report details"));
        String author = verdict.headerFrom();
        Alignment adkim = mode(verdict, true);
        Alignment aspf = mode(verdict, false);
        Optional<DkimAuthResult> alignedDkimFailure = record.dkim().stream()
            .filter(s -> dkimFailed(s) && s.selector().isPresent() && alignmentCheck.aligned(s.domain(), author, adkim)).findFirst();
        boolean alignedSpfFailure = record.spf().filter(spf -> spfFailed(spf) && alignmentCheck.aligned(spf.domain(), author, aspf))
            .isPresent();
        List<String> failed = new ArrayList<>(2);
        if (alignedDkimFailure.isPresent()) {
            failed.add("dkim");
        }
        if (alignedSpfFailure) {
            failed.add("spf");
        }
        String alignment = failed.isEmpty() ? "none" : String.join(", ", failed);
        FailureReportBuilder report = FailureReportBuilder.dmarcFailure()
            .userAgent(userAgent)
            .identityAlignment(alignment)
            .authenticationResults(authenticationResults(record, verdict))
            .originalMailFrom(redaction.mailFrom("<" + details.originalMailFrom().orElse("") + ">"));
        for (String recipient : details.originalRcptTo()) {
            report.originalRcptTo(redaction.recipient("<" + recipient + ">"));
        }
        report.arrivalDate(details.arrivalDate());
        record.sourceIp().address().ifPresent(report::sourceIp);
        report.reportedDomain(verdict.headerFrom());
        alignedDkimFailure
            .or(() -> record.dkim().stream().filter(d -> dkimFailed(d) && d.selector().isPresent()).findFirst())
            .ifPresent(dkim -> report.dkim(dkim.domain(), null, dkim.selector().orElseThrow()));
        spfDns.ifPresent(report::spfDns);
        report.deliveryResult(deliveryResult(verdict));
        Optional<ByteSource> included = message.map(bytes -> ByteSource.wrap(redactedMessage(bytes, details.originalRcptTo())));
        if (included.isPresent()) {
            try {
                report.reportedMessage(included.get());
            } catch (IOException e) {
                throw new UncheckedIOException("reading bytes in memory", e);
            }
        } else {
            report.reportedHeaders(redaction.headers(details.headers(), details.originalRcptTo()));
        }
        return new Composed(report.build(), included);
    }

    /** The message with its header section redacted; each byte of the rest as it was (the header read as ISO-8859-1 keeps every byte). */
    private byte[] redactedMessage(byte[] message, List<String> recipients) {
        int end = headerEnd(message);
        String header = new String(message, 0, end, StandardCharsets.ISO_8859_1);
        byte[] redacted = redaction.headers(header, recipients).getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[redacted.length + message.length - end];
        System.arraycopy(redacted, 0, out, 0, redacted.length);
        System.arraycopy(message, end, out, redacted.length, message.length - end);
        return out;
    }

    /** Where the header section ends: after its last line's line break, before the empty line. */
    private static int headerEnd(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (message[i] == '\n' && (i + 1 < message.length && (message[i + 1] == '\n'
                || (message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n')))) {
                return i + 1;
            }
        }
        return message.length;
    }

    /** The policy's adkim (or aspf); relaxed when the record did not say. */
    private static Alignment mode(DomainVerdict verdict, boolean dkim) {
        return verdict.policy().flatMap(p -> (dkim ? p.published().adkim() : p.published().aspf()).value()).orElse(Alignment.RELAXED);
    }

    private String authenticationResults(EvaluationRecord record, DomainVerdict verdict) {
        List<String> parts = new ArrayList<>();
        parts.add(authservId);
        if (record.dkim().isEmpty()) {
            parts.add("dkim=none");
        }
        for (DkimAuthResult dkim : record.dkim()) {
            parts.add("dkim=" + token(dkim.result().text()) + " header.d=" + dkim.domain()
                + dkim.selector().map(s -> " header.s=" + s).orElse(""));
        }
        parts.add(record.spf().map(spf -> "spf=" + token(spf.result().text())
            + (spf.scope().map(s -> s.is(SpfScope.HELO)).orElse(false) ? " smtp.helo=" : " smtp.mailfrom=") + spf.domain())
            .orElse("spf=none"));
        parts.add("dmarc=" + verdict.result().token() + " header.from=" + verdict.headerFrom());
        return String.join("; ", parts);
    }

    private static String token(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "");
    }

    private static String deliveryResult(DomainVerdict verdict) {
        return switch (verdict.policyEvaluated().disposition().value().orElse(Disposition.NONE)) {
            case REJECT -> "reject";
            case QUARANTINE -> "spam";
            case NONE, PASS -> "delivered";
        };
    }
}
