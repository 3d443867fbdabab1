package io.jamesdmarc.model.evaluation.record;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;

/**
 * One message's DMARC evaluation as recorded for the reports this server sends: an aggregate
 * report record (RFC 9990) per Author Domain with a policy, and what a failure report (RFC 9991)
 * needs when one is due. Immutable; {@link EvaluationRecordCodec} writes it as one JSON line for
 * the spool that keeps evaluations while the database is away.
 *
 * @param id a unique id (a UUID): storing a replayed record twice is recognised by it
 * @param evaluatedAt when the message was evaluated
 * @param sourceIp the connecting SMTP client
 * @param helo the HELO/EHLO name, when known
 * @param envelopeFrom the RFC5321.MailFrom domain; empty for the null reverse-path
 * @param envelopeTo the RFC5321.RcptTo domains, each once, in order
 * @param messageId the Message-ID, as written, when there is one
 * @param result the message's DMARC result (the worst of its Author Domains')
 * @param disposition the message's disposition: the policy's, or the one applied instead
 * @param explanation the verdict in a sentence
 * @param dkim every DKIM signature's result that names a signing domain, in header order
 * @param spf the SPF result, when SPF was checked
 * @param domains one verdict per Author Domain evaluated, in From order
 * @param failure what failure reports need, present only when one is due
 */
public record EvaluationRecord(String id,
                               Instant evaluatedAt,
                               SourceIp sourceIp,
                               Optional<String> helo,
                               Optional<String> envelopeFrom,
                               List<String> envelopeTo,
                               Optional<String> messageId,
                               DmarcResult result,
                               Disposition disposition,
                               String explanation,
                               List<DkimAuthResult> dkim,
                               Optional<SpfAuthResult> spf,
                               List<DomainVerdict> domains,
                               Optional<FailureDetails> failure) {
    public EvaluationRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(evaluatedAt, "evaluatedAt");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(helo, "helo");
        Objects.requireNonNull(envelopeFrom, "envelopeFrom");
        envelopeTo = List.copyOf(envelopeTo);
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(explanation, "explanation");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(spf, "spf");
        domains = List.copyOf(domains);
        Objects.requireNonNull(failure, "failure");
    }

    /** Whether a failure report is due for any Author Domain. */
    public boolean failureReportDue() {
        return domains.stream().anyMatch(DomainVerdict::failureReportDue);
    }

    /**
     * This record with the disposition the receiver actually applied, when local policy overrode
     * the Domain Owner's (RFC 9990 {@code policy_evaluated}: "the final policy action applied").
     * Each failing domain whose disposition differs gets {@code reason}.
     *
     * @param applied what was done with the message (none when delivered as usual)
     * @param reason why, usually {@code local_policy} with a comment
     */
    public EvaluationRecord withAppliedDisposition(Disposition applied, PolicyOverrideReason reason) {
        Objects.requireNonNull(applied, "applied");
        Objects.requireNonNull(reason, "reason");
        if (result != DmarcResult.FAIL || disposition == applied) {
            return this;
        }
        List<DomainVerdict> overridden = domains.stream().map(d -> d.withAppliedDisposition(applied, reason)).toList();
        return new EvaluationRecord(id, evaluatedAt, sourceIp, helo, envelopeFrom, envelopeTo, messageId, result, applied,
            explanation, dkim, spf, overridden, failure);
    }
}
