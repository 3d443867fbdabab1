package io.jamesdmarc.model.evaluation.message;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.evaluation.DkimCheck;
import io.jamesdmarc.model.evaluation.DmarcEvaluation;
import io.jamesdmarc.model.evaluation.DmarcEvaluator;
import io.jamesdmarc.model.evaluation.DmarcInputs;
import io.jamesdmarc.model.evaluation.EvaluationSettings;
import io.jamesdmarc.model.evaluation.MessageHeaders;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.evaluation.auth.AuthenticationResults;
import io.jamesdmarc.model.evaluation.auth.DkimSignatureResult;
import io.jamesdmarc.model.evaluation.auth.DkimVerifier;
import io.jamesdmarc.model.evaluation.auth.SpfVerifier;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;

/**
 * Evaluates DMARC for one received message, from its raw bytes and SMTP envelope: verifies every
 * DKIM signature, checks SPF (or takes James's SPF result), evaluates DMARC (RFC 9989), and gives
 * the record to keep for reports and the Authentication-Results field to add.
 *
 * <pre>{@code
 * DnsResolver dns = new DnsResolver(DnsSettings.system());
 * MessageEvaluator evaluator = new MessageEvaluator(dns, "mx.example.net", EvaluationSettings.DEFAULTS);
 * MessageEvaluation evaluation = evaluator.evaluate(ByteSource.wrap(rawMessage),
 *     new SmtpEnvelope(clientIp, Optional.of(helo), Optional.of(mailFrom), recipients, arrival), jamesSpfResult);
 * }</pre>
 *
 * <p>Thread-safe: one instance serves every spool thread, sharing the DNS cache.
 */
public final class MessageEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(MessageEvaluator.class);

    private final DkimVerifier dkim;
    private final SpfVerifier spf;
    private final DmarcEvaluator dmarc;
    private final AuthenticationResults authenticationResults;
    private final Clock clock;

    /** @param authservId this server's name in Authentication-Results (its host name) */
    public MessageEvaluator(DnsResolver dns, String authservId, EvaluationSettings settings) {
        this(new DkimVerifier(dns), new SpfVerifier(dns), new DmarcEvaluator(dns, settings),
            new AuthenticationResults(authservId), Clock.systemUTC());
    }

    public MessageEvaluator(DkimVerifier dkim, SpfVerifier spf, DmarcEvaluator dmarc,
                            AuthenticationResults authenticationResults, Clock clock) {
        this.dkim = Objects.requireNonNull(dkim, "dkim");
        this.spf = Objects.requireNonNull(spf, "spf");
        this.dmarc = Objects.requireNonNull(dmarc, "dmarc");
        this.authenticationResults = Objects.requireNonNull(authenticationResults, "authenticationResults");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param message the message as received, header and body
     * @param jamesSpfResult the value of James's {@code org.apache.james.transport.mailets.spf.result}
     *     attribute, when the SPF mailet ran: SPF is then not checked again
     * @throws IOException when the message cannot be read
     */
    public MessageEvaluation evaluate(ByteSource message, SmtpEnvelope envelope, Optional<String> jamesSpfResult)
        throws IOException {
        MessageHeaders headers = MessageHeaders.read(message);
        List<DkimSignatureResult> signatures = headers.contains(DkimVerifier.DKIM_SIGNATURE)
            ? dkim.verify(message) : List.of();
        Optional<SpfCheck> spfCheck = jamesSpfResult
            .flatMap(result -> SpfVerifier.fromJamesResult(result, envelope.helo(), envelope.mailFrom()))
            .or(() -> spf.check(envelope.clientAddress(), envelope.helo(), envelope.mailFrom()));
        List<DkimCheck> dkimChecks = signatures.stream()
            .filter(DkimSignatureResult::hasDomain).map(DkimSignatureResult::toCheck).toList();

        DmarcEvaluation evaluation = dmarc.evaluate(new DmarcInputs(headers.values("From"), spfCheck, dkimChecks));
        EvaluationRecord record = EvaluationRecordFactory.create(UUID.randomUUID().toString(), clock.instant(), evaluation,
            envelope, headers);
        String header = authenticationResults.format(evaluation, signatures, spfCheck);
        LOG.debug("DMARC {} for message {} from {}: {}", evaluation.result().token(), record.messageId().orElse("(no id)"),
            envelope.clientAddress().getHostAddress(), evaluation.explanation());
        return new MessageEvaluation(evaluation, signatures, spfCheck, record, header);
    }
}
