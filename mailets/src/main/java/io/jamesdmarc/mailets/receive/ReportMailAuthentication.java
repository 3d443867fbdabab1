package io.jamesdmarc.mailets.receive;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.DmarcAttributes;
import io.jamesdmarc.storage.ingest.MailAuthentication;

/**
 * How a report mail authenticated, as James saw it: a report that came in mail that did not pass
 * DMARC could be forged. For DKIM, SPF and DMARC each, the first source that knows wins:
 * <ol>
 * <li>the attributes of james-dmarc's own evaluation ({@link DmarcAttributes}: results with the
 *     {@code d=} and SPF domains);</li>
 * <li>the attributes of James's {@code DKIMVerify} (its {@code i=} identity's domain) and {@code SPF}
 *     mailets (the MAIL FROM domain, or the HELO name for a null reverse-path);</li>
 * <li>the first Authentication-Results header field written by a trusted host (its authserv-id
 *     among {@code trustedAuthservIds}); anyone can write such a field into a mail, so none is
 *     trusted unless configured.</li>
 * </ol>
 * The trusted field is also kept as written. Thread-safe.
 */
public final class ReportMailAuthentication {

    static final String AUTHENTICATION_RESULTS = "Authentication-Results";

    /** DKIMVerify's {@code identity @example.com}, {@code identity x@example.com} and, on failure, {@code identity@example.com:}. */
    private static final Pattern IDENTITY_DOMAIN = Pattern.compile("identity\\s*[^@\\s()]*@([A-Za-z0-9._-]+[A-Za-z0-9])");
    private static final String NO_SIGNATURES = "no signatures";

    private final Set<String> trustedAuthservIds;

    /** @param trustedAuthservIds the authserv-ids of the hosts whose Authentication-Results fields are believed */
    public ReportMailAuthentication(Set<String> trustedAuthservIds) {
        this.trustedAuthservIds = trustedAuthservIds.stream().map(id -> id.strip().toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    }

    public MailAuthentication read(Mail mail) throws MessagingException {
        Optional<String> trustedText = trustedFieldValue(mail);
        Optional<AuthenticationResultsField> trusted = trustedText.flatMap(AuthenticationResultsField::parse);
        Verdict dkim = ours(mail, DmarcAttributes.DKIM_RESULT, DmarcAttributes.DKIM_DOMAIN)
            .or(() -> jamesDkim(mail))
            .or(() -> trusted.flatMap(ReportMailAuthentication::fieldDkim))
            .orElse(Verdict.UNKNOWN);
        Verdict spf = ours(mail, DmarcAttributes.SPF_RESULT, DmarcAttributes.SPF_DOMAIN)
            .or(() -> jamesSpf(mail))
            .or(() -> trusted.flatMap(ReportMailAuthentication::fieldSpf))
            .orElse(Verdict.UNKNOWN);
        Optional<String> dmarc = text(mail, DmarcAttributes.DMARC_RESULT).map(ReportMailAuthentication::token)
            .or(() -> trusted.flatMap(field -> field.results("dmarc").stream().findFirst()).map(AuthenticationResultsField.Result::result));
        return new MailAuthentication(dkim.result(), dkim.domain(), spf.result(), spf.domain(), dmarc,
            trustedText.map(value -> value.replaceAll("\r?\n[ \t]+", " ").strip()));
    }

    /** A result and the domain it is about. */
    private record Verdict(Optional<String> result, Optional<String> domain) {
        static final Verdict UNKNOWN = new Verdict(Optional.empty(), Optional.empty());
    }

    private static Optional<Verdict> ours(Mail mail, AttributeName result, AttributeName domain) {
        return text(mail, result).map(value -> new Verdict(Optional.of(token(value)), text(mail, domain).map(ReportMailAuthentication::domain)));
    }

    /** {@code pass (identity @example.com)}, {@code fail (identity@example.com:reason)}, {@code neutral (no signatures)}. */
    private static Optional<Verdict> jamesDkim(Mail mail) {
        return text(mail, DmarcAttributes.JAMES_DKIM_RESULT).map(value -> {
            String result = token(value.split("[\\s(]", 2)[0]);
            if (value.contains(NO_SIGNATURES)) {
                result = "none"; // RFC 8601: the message was not signed
            }
            Matcher identity = IDENTITY_DOMAIN.matcher(value);
            return new Verdict(Optional.of(result), identity.find() ? Optional.of(domain(identity.group(1))) : Optional.empty());
        });
    }

    private static Optional<Verdict> jamesSpf(Mail mail) {
        return text(mail, DmarcAttributes.JAMES_SPF_RESULT).map(value -> new Verdict(Optional.of(token(value)),
            mail.getMaybeSender().asOptional().map(MailAddress::getDomain).map(d -> domain(d.asString()))
                .or(() -> text(mail, Mail.SMTP_HELO).map(ReportMailAuthentication::domain))));
    }

    /** A pass of any signature wins (DMARC needs one), else the first result. */
    private static Optional<Verdict> fieldDkim(AuthenticationResultsField field) {
        List<AuthenticationResultsField.Result> results = field.results("dkim");
        return results.stream().filter(result -> result.result().equals("pass")).findFirst()
            .or(() -> results.stream().findFirst())
            .map(result -> new Verdict(Optional.of(result.result()), result.property("header.d")
                .or(() -> result.property("header.i").map(identity -> identity.substring(identity.indexOf('@') + 1)))
                .map(ReportMailAuthentication::domain)));
    }

    private static Optional<Verdict> fieldSpf(AuthenticationResultsField field) {
        return field.results("spf").stream().findFirst()
            .map(result -> new Verdict(Optional.of(result.result()), result.property("smtp.mailfrom")
                .map(from -> from.substring(from.lastIndexOf('@') + 1))
                .or(() -> result.property("smtp.helo"))
                .map(ReportMailAuthentication::domain)));
    }

    /** The topmost field (the last hop's) whose authserv-id is trusted. */
    private Optional<String> trustedFieldValue(Mail mail) throws MessagingException {
        if (trustedAuthservIds.isEmpty()) {
            return Optional.empty();
        }
        String[] values = mail.getMessage().getHeader(AUTHENTICATION_RESULTS);
        if (values == null) {
            return Optional.empty();
        }
        return Arrays.stream(values)
            .filter(value -> AuthenticationResultsField.parse(value)
                .map(field -> trustedAuthservIds.contains(field.authservId().toLowerCase(Locale.ROOT)))
                .orElse(false))
            .findFirst();
    }

    private static Optional<String> text(Mail mail, AttributeName name) {
        return mail.getAttribute(name)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class))
            .filter(value -> !value.isBlank());
    }

    private static String token(String value) {
        return value.strip().toLowerCase(Locale.ROOT);
    }

    private static String domain(String value) {
        String domain = value.strip().toLowerCase(Locale.ROOT);
        return domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    }
}
