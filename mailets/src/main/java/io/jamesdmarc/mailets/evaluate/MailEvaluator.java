package io.jamesdmarc.mailets.evaluate;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.mail.MessagingException;

import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.mailets.DmarcAttributes;
import io.jamesdmarc.mailets.MailNames;
import io.jamesdmarc.mailets.ServiceLookupCache;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.evaluation.AppliedPolicy;
import io.jamesdmarc.model.evaluation.DmarcEvaluator;
import io.jamesdmarc.model.evaluation.DomainEvaluation;
import io.jamesdmarc.model.evaluation.auth.AuthenticationResults;
import io.jamesdmarc.model.evaluation.auth.DkimVerifier;
import io.jamesdmarc.model.evaluation.auth.SpfVerifier;
import io.jamesdmarc.model.evaluation.message.MessageEvaluation;
import io.jamesdmarc.model.evaluation.message.MessageEvaluator;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;

/**
 * What {@code DmarcEvaluate} does to one mail, but recording: tells inbound mail from our own,
 * evaluates it from its bytes and SMTP envelope, puts this server's Authentication-Results field on
 * it, and decides the disposition applied. Never throws: a failure is an {@link Outcome.Failed}.
 * Thread-safe.
 */
public final class MailEvaluator {

    private static final Logger LOGGER = LoggerFactory.getLogger(MailEvaluator.class);

    /** What became of a mail. */
    public sealed interface Outcome {
        /** Our own users' or mailets' mail: not evaluated. */
        record NotInbound(String reason) implements Outcome {
        }

        /** Could not be evaluated (the mail goes on as if not evaluated). */
        record Failed(String reason, Optional<Throwable> error) implements Outcome {
        }

        /**
         * Evaluated.
         *
         * @param evaluation the evaluation as the policy sees it
         * @param record what to record: with the disposition applied, and the id of the mail's evaluation
         * @param applied what this server does with the message
         * @param enforcement why
         */
        record Evaluated(MessageEvaluation evaluation, EvaluationRecord record, Disposition applied, Enforcement enforcement)
            implements Outcome {

            /** The verdict for the log: the domains, their policy, the dispositions, DKIM and SPF. */
            public String describe() {
                String domains = evaluation.dmarc().domains().stream().map(Evaluated::domain).collect(Collectors.joining(", "));
                String dkim = evaluation.dkim().isEmpty() ? "dkim=none" : evaluation.dkim().stream()
                    .map(s -> "dkim=" + s.result().token() + " (" + s.domain() + ")").collect(Collectors.joining(" "));
                String spf = evaluation.spf().map(s -> "spf=" + s.result().token() + " (" + s.domain() + ")").orElse("spf=none");
                return (domains.isEmpty() ? "no Author Domain" : "header.from " + domains)
                    + ": asks " + evaluation.dmarc().disposition().token() + ", applied " + applied.token()
                    + " (enforcement " + enforcement.token() + "); " + dkim + " " + spf + "; " + evaluation.dmarc().explanation();
            }

            private static String domain(DomainEvaluation domain) {
                return domain.authorDomain() + domain.policyDomain()
                    .map(policyDomain -> " (policy " + policyDomain + domain.appliedPolicy().map(AppliedPolicy::applied)
                        .map(p -> " p=" + p.token()).orElse("") + (domain.testing() ? " t=y" : "") + ")")
                    .orElse("");
            }
        }
    }

    private final MessageEvaluator evaluator;
    private final AuthenticationResultsStamp stamp;
    private final Enforcement enforcement;
    private final Clock clock;

    public MailEvaluator(DnsResolver dns, EvaluateConfiguration configuration, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.evaluator = new MessageEvaluator(new DkimVerifier(dns, configuration.maxSignatures()), new SpfVerifier(dns),
            new DmarcEvaluator(dns, configuration.evaluation()), new AuthenticationResults(configuration.authservId()), clock);
        this.stamp = new AuthenticationResultsStamp(configuration.authservId());
        this.enforcement = configuration.enforcement();
    }

    public Outcome evaluate(Mail mail) {
        try {
            return ServiceLookupCache.<Outcome, MessagingException, IOException>withCachedLookups(() -> evaluateWithCachedLookups(mail));
        } catch (MessagingException | IOException | RuntimeException e) {
            return new Outcome.Failed(e.toString(), Optional.of(e));
        }
    }

    private Outcome evaluateWithCachedLookups(Mail mail) throws MessagingException, IOException {
        Optional<String> own = OwnMail.why(mail);
        if (own.isPresent()) {
            int removed = stamp.stamp(mail, Optional.empty());
            if (removed > 0) {
                LOGGER.info("Mail {} ({}): removed {} Authentication-Results field(s) claiming this server's authserv-id",
                    mail.getName(), own.get(), removed);
            }
            return new Outcome.NotInbound(own.get());
        }
        Optional<InetAddress> client = MailEnvelope.clientAddress(mail);
        if (client.isEmpty()) {
            return new Outcome.Failed("the SMTP client's address '" + mail.getRemoteAddr() + "' is not an IP address", Optional.empty());
        }
        Optional<String> jamesSpf = AttributeUtils.getValueAndCastFromMail(mail, DmarcAttributes.JAMES_SPF_RESULT, String.class);
        MessageEvaluation evaluation = evaluator.evaluate(MessageBytes.of(mail), MailEnvelope.of(mail, client.get(), clock), jamesSpf);
        int removed = stamp.stamp(mail, Optional.of(evaluation.authenticationResults()));
        if (removed > 0) {
            LOGGER.info("Mail {}: removed {} Authentication-Results field(s) claiming this server's authserv-id (RFC 8601 section 5)",
                mail.getName(), removed);
        }
        Disposition applied = enforcement.applied(evaluation.dmarc().disposition());
        EvaluationRecord record = enforcement.recorded(withId(evaluation.record(), evaluationId(mail)));
        return new Outcome.Evaluated(evaluation, record, applied, enforcement);
    }

    /** Writes the evaluation into the mail's attributes ({@link DmarcAttributes}). */
    public void writeAttributes(Mail mail, Outcome.Evaluated evaluated, Optional<String> evaluationId) {
        EvaluationAttributes.write(mail, evaluated.evaluation(), evaluated.applied(), evaluationId);
    }

    /**
     * The evaluation id of a mail: the same for every retry and copy of one received mail (from
     * James's mail name, unique per received mail), so that the store keeps one evaluation per message.
     */
    static String evaluationId(Mail mail) {
        return UUID.nameUUIDFromBytes(("james-mail:" + MailNames.originKey(mail.getName())).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static EvaluationRecord withId(EvaluationRecord record, String id) {
        return new EvaluationRecord(id, record.evaluatedAt(), record.sourceIp(), record.helo(), record.envelopeFrom(),
            record.envelopeTo(), record.messageId(), record.result(), record.disposition(), record.explanation(), record.dkim(),
            record.spf(), record.domains(), record.failure());
    }
}
