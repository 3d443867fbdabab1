package io.jamesdmarc.mailets.evaluate;

import java.util.List;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import io.jamesdmarc.mailets.DmarcAttributes;
import io.jamesdmarc.model.evaluation.AppliedPolicy;
import io.jamesdmarc.model.evaluation.DomainEvaluation;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.evaluation.auth.DkimSignatureResult;
import io.jamesdmarc.model.evaluation.message.MessageEvaluation;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Disposition;

/**
 * Writes a message's evaluation into its mail's attributes ({@link DmarcAttributes}), for matchers
 * and for mailets further down (the report receiver). Attributes of an earlier evaluation of the
 * same mail (James retried it) that this one does not set are removed.
 */
final class EvaluationAttributes {

    private static final List<AttributeName> WRITTEN = List.of(DmarcAttributes.DMARC_RESULT, DmarcAttributes.DMARC_DOMAIN,
        DmarcAttributes.DMARC_DISPOSITION, DmarcAttributes.DMARC_APPLIED_DISPOSITION, DmarcAttributes.DMARC_POLICY_DOMAIN,
        DmarcAttributes.DMARC_POLICY, DmarcAttributes.DMARC_TESTING, DmarcAttributes.EVALUATION_ID, DmarcAttributes.DKIM_RESULT,
        DmarcAttributes.DKIM_DOMAIN, DmarcAttributes.SPF_RESULT, DmarcAttributes.SPF_DOMAIN);

    private EvaluationAttributes() {
    }

    /**
     * @param applied what this server does with the message
     * @param evaluationId the recorded evaluation's id, when recorded
     */
    static void write(Mail mail, MessageEvaluation evaluation, Disposition applied, Optional<String> evaluationId) {
        clear(mail);
        Optional<DomainEvaluation> primary = evaluation.dmarc().primary();
        set(mail, DmarcAttributes.DMARC_RESULT, evaluation.dmarc().result().token());
        primary.ifPresent(domain -> set(mail, DmarcAttributes.DMARC_DOMAIN, domain.authorDomain()));
        set(mail, DmarcAttributes.DMARC_DISPOSITION, evaluation.dmarc().disposition().token());
        set(mail, DmarcAttributes.DMARC_APPLIED_DISPOSITION, applied.token());
        primary.flatMap(DomainEvaluation::policyDomain).ifPresent(domain -> set(mail, DmarcAttributes.DMARC_POLICY_DOMAIN, domain));
        primary.flatMap(DomainEvaluation::appliedPolicy).map(AppliedPolicy::applied)
            .ifPresent(policy -> set(mail, DmarcAttributes.DMARC_POLICY, policy.token()));
        primary.filter(domain -> domain.record().isPresent())
            .ifPresent(domain -> set(mail, DmarcAttributes.DMARC_TESTING, domain.testing() ? "y" : "n"));
        evaluationId.ifPresent(id -> set(mail, DmarcAttributes.EVALUATION_ID, id));

        Optional<DkimSignatureResult> dkim = dkimShown(evaluation, primary);
        set(mail, DmarcAttributes.DKIM_RESULT, dkim.map(signature -> signature.result().token()).orElse(DkimResult.NONE.token()));
        dkim.map(DkimSignatureResult::domain).filter(domain -> !domain.isEmpty())
            .ifPresent(domain -> set(mail, DmarcAttributes.DKIM_DOMAIN, domain));

        Optional<SpfCheck> spf = evaluation.spf();
        spf.ifPresent(check -> {
            set(mail, DmarcAttributes.SPF_RESULT, check.result().token());
            set(mail, DmarcAttributes.SPF_DOMAIN, check.domain());
        });
    }

    /** Removes every attribute {@link #write} sets. */
    static void clear(Mail mail) {
        WRITTEN.forEach(mail::removeAttribute);
    }

    /**
     * The signature the DKIM attributes are about: the one that aligned with the (first) Author Domain,
     * else the first that verified, else the first; empty when the message is unsigned.
     */
    private static Optional<DkimSignatureResult> dkimShown(MessageEvaluation evaluation, Optional<DomainEvaluation> primary) {
        List<DkimSignatureResult> signatures = evaluation.dkim();
        Optional<String> aligned = primary.flatMap(domain -> domain.dkim().alignedDomain());
        Optional<String> alignedSelector = primary.flatMap(domain -> domain.dkim().alignedSelector());
        return signatures.stream()
            .filter(s -> s.result() == DkimResult.PASS && aligned.map(s.domain()::equalsIgnoreCase).orElse(false)
                && alignedSelector.map(s.selector()::equals).orElse(true))
            .findFirst()
            .or(() -> signatures.stream().filter(s -> s.result() == DkimResult.PASS).findFirst())
            .or(() -> signatures.stream().findFirst());
    }

    private static void set(Mail mail, AttributeName name, String value) {
        mail.setAttribute(new Attribute(name, AttributeValue.of(value)));
    }
}
