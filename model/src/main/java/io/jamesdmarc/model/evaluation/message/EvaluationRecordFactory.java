package io.jamesdmarc.model.evaluation.message;

import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.jamesdmarc.model.aggregate.DkimAuthResult;
import io.jamesdmarc.model.aggregate.SourceIp;
import io.jamesdmarc.model.aggregate.SpfAuthResult;
import io.jamesdmarc.model.dns.DomainNames;
import io.jamesdmarc.model.evaluation.DkimCheck;
import io.jamesdmarc.model.evaluation.DmarcEvaluation;
import io.jamesdmarc.model.evaluation.DomainEvaluation;
import io.jamesdmarc.model.evaluation.MessageHeaders;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.evaluation.record.FailureDetails;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.policy.DiscoveredPolicy;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.vocabulary.Enumerated;
import jakarta.mail.internet.MimeUtility;

/** Builds the {@link EvaluationRecord} of a message from its DMARC evaluation, its envelope and its header. */
public final class EvaluationRecordFactory {
    private EvaluationRecordFactory() {
    }

    /**
     * @param id the record's unique id
     * @param evaluatedAt when the evaluation ran
     * @param evaluation DMARC's verdict; its inputs hold the DKIM and SPF results recorded
     */
    public static EvaluationRecord create(String id, Instant evaluatedAt, DmarcEvaluation evaluation, SmtpEnvelope envelope,
                                          MessageHeaders headers) {
        List<DomainVerdict> domains = evaluation.domains().stream().map(EvaluationRecordFactory::verdict).toList();
        boolean failureReportDue = domains.stream().anyMatch(DomainVerdict::failureReportDue);
        return new EvaluationRecord(id, evaluatedAt, SourceIp.of(envelope.clientAddress()), envelope.helo(),
            sender(envelope).map(EvaluationRecordFactory::domainOf), recipientDomains(envelope.recipients()),
            headers.first("Message-ID").filter(messageId -> !messageId.isEmpty()),
            evaluation.result(), evaluation.disposition(), evaluation.explanation(),
            evaluation.inputs().dkim().stream().map(EvaluationRecordFactory::dkim).toList(),
            evaluation.inputs().spf().map(EvaluationRecordFactory::spf),
            domains,
            failureReportDue ? Optional.of(failureDetails(envelope, headers)) : Optional.empty());
    }

    private static DomainVerdict verdict(DomainEvaluation domain) {
        Optional<RecordedPolicy> policy = domain.policy().map(found -> recorded(found, domain));
        return new DomainVerdict(domain.authorDomain(), domain.result(), domain.explanation(), policy,
            domain.toPolicyEvaluated(), domain.dkim().alignedDomain(), domain.dkim().alignedSelector(),
            domain.spf().alignedDomain(), domain.failureReportTriggers());
    }

    private static RecordedPolicy recorded(DiscoveredPolicy policy, DomainEvaluation domain) {
        return new RecordedPolicy(policy.record().text(), policy.toPolicyPublished(),
            domain.aggregateReportUris().stream().map(ReportUri::text).toList(),
            domain.failureReportUris().stream().map(ReportUri::text).toList());
    }

    private static DkimAuthResult dkim(DkimCheck check) {
        return new DkimAuthResult(check.domain(), Optional.of(check.selector()).filter(s -> !s.isEmpty()),
            Enumerated.of(check.result()), check.humanResult());
    }

    private static SpfAuthResult spf(SpfCheck check) {
        return new SpfAuthResult(check.domain(), Optional.of(Enumerated.of(check.scope())), Enumerated.of(check.result()),
            check.humanResult());
    }

    private static FailureDetails failureDetails(SmtpEnvelope envelope, MessageHeaders headers) {
        String text = headers.text();
        boolean truncated = headers.truncated();
        if (text.length() > FailureDetails.MAX_HEADER_CHARS) {
            int lastLine = text.lastIndexOf('\n', FailureDetails.MAX_HEADER_CHARS - 1);
            text = text.substring(0, lastLine + 1);
            truncated = true;
        }
        return new FailureDetails(sender(envelope), envelope.recipients(), envelope.receivedAt(),
            headers.first("Subject").map(EvaluationRecordFactory::decoded), text, truncated);
    }

    private static Optional<String> sender(SmtpEnvelope envelope) {
        return envelope.mailFrom().map(String::strip).filter(m -> !m.isEmpty() && !m.equals("<>"));
    }

    private static List<String> recipientDomains(List<String> recipients) {
        Set<String> domains = new LinkedHashSet<>();
        for (String recipient : recipients) {
            domains.add(domainOf(recipient));
        }
        return new ArrayList<>(domains);
    }

    /** The domain of an address (A-label, lower case), as written when it is not a domain name. */
    static String domainOf(String address) {
        String domain = address.substring(address.lastIndexOf('@') + 1).strip();
        return DomainNames.normalize(domain).orElse(domain.toLowerCase(Locale.ROOT));
    }

    private static String decoded(String subject) {
        try {
            return MimeUtility.decodeText(subject);
        } catch (UnsupportedEncodingException e) {
            return subject; // an unknown charset: the encoded-words as written say more than nothing
        }
    }
}
