package io.jamesdmarc.model.aggregate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code <record>}: a count of messages sharing a source IP, evaluation, identifiers and
 * authentication results.
 *
 * @param headerFrom RFC 5322.From domain; empty only where a reporter left it out
 * @param envelopeFrom RFC 5321.MailFrom domain (optional in RFC 9990)
 * @param dkim every DKIM result, in report order
 * @param spf every SPF result, in report order
 * @param extensions record-level extension elements, each as raw XML text
 */
public record ReportRecord(SourceIp sourceIp,
                           long count,
                           PolicyEvaluated policyEvaluated,
                           Optional<String> headerFrom,
                           Optional<String> envelopeFrom,
                           Optional<String> envelopeTo,
                           List<DkimAuthResult> dkim,
                           List<SpfAuthResult> spf,
                           List<String> extensions) {
    public ReportRecord {
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(policyEvaluated, "policyEvaluated");
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        Objects.requireNonNull(envelopeTo, "envelopeTo");
        dkim = List.copyOf(dkim);
        spf = List.copyOf(spf);
        extensions = List.copyOf(extensions);
    }
}
