package io.jamesdmarc.mailets.outbound.failure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.mail.MessagingException;

import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.mailets.outbound.OutboundReportMail;
import io.jamesdmarc.model.destination.DestinationStatus;
import io.jamesdmarc.model.destination.ExternalDestinationVerifier;
import io.jamesdmarc.model.destination.ReportDestination;
import io.jamesdmarc.model.destination.ReportKind;
import io.jamesdmarc.model.dns.DnsAnswer;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DomainNames;
import io.jamesdmarc.model.evaluation.AlignmentStatus;
import io.jamesdmarc.model.evaluation.IdentifierAligner;
import io.jamesdmarc.model.evaluation.record.DomainVerdict;
import io.jamesdmarc.model.evaluation.record.RecordedPolicy;
import io.jamesdmarc.model.failure.FailureReportComposer;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.vocabulary.DiscoveryMethod;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger.Claim;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger.Decision;
import io.jamesdmarc.storage.outbound.failure.FailureReportLedger.Outcome;

/**
 * Sends the failure reports recorded evaluations owe: one pass ({@link #sendDue()}) claims a batch
 * of due reports in the database, decides each destination (verified, within the rate limit) and
 * hands the report mails to James's processor, then records every decision.
 *
 * <p>Safe to run on every James node against one database, and from several threads: a report is
 * claimed by one reporter only, and the rate limit is counted in the database. A report whose
 * destination the DNS could not verify (temporary error), or that James's spool did not take, is
 * handed back as due for a later pass; after {@link #MAX_AGE} it is suppressed as too old.
 */
public final class FailureReporter {

    /** A report about a message older than this is not sent: it would help nobody, and a backlog must not flood anyone. */
    public static final Duration MAX_AGE = Duration.ofDays(2);
    /** A claim not settled in this time was left by a reporter that died: another one takes it. */
    public static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration KEEP_WINDOWS = Duration.ofDays(400);
    private static final String USER_AGENT = "james-dmarc/" + Optional.ofNullable(FailureReporter.class.getPackage().getImplementationVersion())
        .orElse("1");
    private static final Logger LOGGER = LoggerFactory.getLogger(FailureReporter.class);

    /** What one pass did. */
    public record PassSummary(int claimed, int sent, int suppressed, int handedBack) {
        public static final PassSummary NOTHING = new PassSummary(0, 0, 0, 0);
    }

    private final FailureReporterConfiguration configuration;
    private final FailureReportLedger ledger;
    private final DnsResolver dns;
    private final MailetContext mailetContext;
    private final Clock clock;
    private final String reporterName;
    private final FailureReportComposer composer;
    private final FailureReportMail mails;
    private final Map<DiscoveryMethod, ExternalDestinationVerifier> verifiers = new EnumMap<>(DiscoveryMethod.class);
    private final Map<DiscoveryMethod, PolicyDiscovery> discoveries = new EnumMap<>(DiscoveryMethod.class);
    private volatile Instant lastPrune = Instant.EPOCH;

    public FailureReporter(FailureReporterConfiguration configuration, FailureReportLedger ledger, DnsResolver dns,
                           MailetContext mailetContext, Clock clock) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.dns = Objects.requireNonNull(dns, "dns");
        this.mailetContext = Objects.requireNonNull(mailetContext, "mailetContext");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.reporterName = hostName();
        this.composer = new FailureReportComposer(configuration.authservId(), USER_AGENT, configuration.redaction());
        this.mails = new FailureReportMail(configuration);
        for (DiscoveryMethod method : DiscoveryMethod.values()) {
            PolicyDiscovery discovery = PolicyDiscovery.create(method, dns);
            discoveries.put(method, discovery);
            verifiers.put(method, new ExternalDestinationVerifier(dns, discovery));
        }
    }

    /**
     * Claims up to a batch of due reports and sends or suppresses each.
     *
     * @throws SQLException the database failed; what was claimed and not settled is taken again after {@link #CLAIM_TIMEOUT}
     */
    public PassSummary sendDue() throws SQLException {
        Instant now = clock.instant();
        pruneWindows(now);
        List<Claim> claims = ledger.claim(configuration.batchSize(), now, CLAIM_TIMEOUT);
        if (claims.isEmpty()) {
            return PassSummary.NOTHING;
        }
        int sent = 0;
        int suppressed = 0;
        int handedBack = 0;
        for (Claim claim : claims) {
            switch (handle(claim, now)) {
                case SENT -> sent++;
                case SUPPRESSED -> suppressed++;
                case HANDED_BACK -> handedBack++;
            }
        }
        return new PassSummary(claims.size(), sent, suppressed, handedBack);
    }

    /** Keeps {@code message} for the reports of evaluation {@code recordId} that include the whole message. */
    public void keepMessage(String recordId, byte[] message) throws SQLException {
        ledger.storeMessage(recordId, message, clock.instant());
    }

    private enum Result { SENT, SUPPRESSED, HANDED_BACK }

    private Result handle(Claim claim, Instant now) throws SQLException {
        DomainVerdict verdict = claim.verdict();
        Optional<String> policyDomain = verdict.policy().map(RecordedPolicy::domain);
        if (configuration.frequency().isEmpty()) {
            return suppress(claim, now, policyDomain, "disabled", "failure reports are disabled (failureSendFrequency=false)");
        }
        if (claim.record().failure().isEmpty()) {
            return suppress(claim, now, policyDomain, "no_details", "the evaluation holds no failure report details");
        }
        if (claim.record().evaluatedAt().isBefore(now.minus(MAX_AGE))) {
            return suppress(claim, now, policyDomain, "too_old", "the message was evaluated at " + claim.record().evaluatedAt()
                + ", more than " + MAX_AGE.toDays() + " days ago");
        }
        if (verdict.policy().isEmpty() || verdict.policy().get().ruf().isEmpty()) {
            return suppress(claim, now, policyDomain, "no_destination", "the policy requests no failure reports (no ruf)");
        }
        RecordedPolicy policy = verdict.policy().get();
        if (policy.published().psd().flatMap(p -> p.value()).map(p -> p == PsdFlag.YES).orElse(false)) {
            return suppress(claim, now, policyDomain, "ignored", "ruf of a psd=y record is ignored (RFC 9991)");
        }
        FailureReportComposer.Composed report;
        try {
            Optional<byte[]> message = configuration.includeMessage() ? ledger.message(claim.recordId()) : Optional.empty();
            report = composer.compose(claim.record(), verdict, spfDns(claim), message, alignment(policy));
        } catch (IllegalArgumentException e) {
            return suppress(claim, now, policyDomain, "unbuildable", "no valid report can be made: " + e.getMessage());
        }
        DiscoveryMethod method = policy.published().discoveryMethod().flatMap(m -> m.value()).orElse(DiscoveryMethod.TREEWALK);
        List<ReportDestination> destinations = new ArrayList<>();
        for (String uri : policy.ruf()) {
            ReportDestination destination = verifiers.get(method).verify(policy.domain(), ReportUri.parse(uri), ReportKind.FAILURE);
            if (destination.status() == DestinationStatus.TEMPERROR) {
                LOGGER.info("Failure report of evaluation {} for {} handed back: {} cannot be verified now ({})", claim.recordId(),
                    claim.headerFrom(), uri, destination.detail());
                ledger.release(claim, List.of(), reporterName, now);
                return Result.HANDED_BACK;
            }
            destinations.add(destination);
        }
        return send(claim, now, policy, report, destinations);
    }

    private Result send(Claim claim, Instant now, RecordedPolicy policy, FailureReportComposer.Composed report,
                        List<ReportDestination> destinations)
        throws SQLException {
        FailureRateLimit frequency = configuration.frequency().orElseThrow();
        Set<String> done = new HashSet<>(ledger.sentBefore(claim));
        List<Decision> decisions = new ArrayList<>();
        Optional<String> policyDomain = Optional.of(policy.domain());
        for (ReportDestination destination : destinations) {
            Optional<String> uri = Optional.of(destination.requested().text());
            if (!destination.deliverable()) {
                String reason = destination.status() == DestinationStatus.NOT_AUTHORISED ? "not_authorised" : "ignored";
                decisions.add(log(claim, new Decision(policyDomain, uri, destination.requested().mailbox(), Outcome.SUPPRESSED, reason,
                    destination.detail(), Optional.empty())));
                continue;
            }
            for (String mailbox : destination.mailboxes()) {
                String address = mailbox.toLowerCase(Locale.ROOT);
                if (!done.add(address)) {
                    continue; // sent before this pass, or listed twice
                }
                Optional<Instant> window = ledger.tryAcquire(address, frequency.count(), frequency.period(), now);
                if (window.isEmpty()) {
                    decisions.add(log(claim, new Decision(policyDomain, uri, Optional.of(address), Outcome.SUPPRESSED, "rate_limited",
                        address + " had its " + frequency.count() + " report(s) of the " + frequency.period() + " window beginning "
                            + FailureReportLedger.windowStart(now, frequency.period()), Optional.empty())));
                    continue;
                }
                String messageId = mails.newMessageId();
                try {
                    OutboundReportMail.send(mailetContext, configuration.processor(), "failure",
                        claim.recordId() + "-" + claim.domainNo() + "-" + decisions.size(), configuration.fromAddress(), List.of(mailbox),
                        mails.message(report, mailbox, messageId, now));
                } catch (MessagingException | RuntimeException e) {
                    ledger.giveBack(address, window.get());
                    LOGGER.warn("Failure report of evaluation {} for {} to {} not handed to processor {}: {}; due again", claim.recordId(),
                        claim.headerFrom(), address, configuration.processor(), e.getMessage(), e);
                    ledger.release(claim, decisions.stream().filter(d -> d.outcome() == Outcome.SENT).toList(), reporterName, now);
                    return Result.HANDED_BACK;
                }
                decisions.add(log(claim, new Decision(policyDomain, uri, Optional.of(address), Outcome.SENT, "sent",
                    "sent to " + address + " (" + destination.detail() + ")", Optional.of(messageId))));
            }
        }
        ledger.settle(claim, decisions, reporterName, now);
        return decisions.stream().anyMatch(d -> d.outcome() == Outcome.SENT) ? Result.SENT : Result.SUPPRESSED;
    }

    private Result suppress(Claim claim, Instant now, Optional<String> policyDomain, String reason, String detail) throws SQLException {
        ledger.settle(claim, List.of(log(claim, new Decision(policyDomain, Optional.empty(), Optional.empty(), Outcome.SUPPRESSED,
            reason, detail, Optional.empty()))), reporterName, now);
        return Result.SUPPRESSED;
    }

    /**
     * Identifier alignment as DmarcEvaluate judged it: the same name, or (relaxed) the same Organizational
     * Domain, found by the discovery method the policy was found with. An Organizational Domain the DNS
     * cannot tell now counts as not aligned.
     */
    private FailureReportComposer.AlignmentCheck alignment(RecordedPolicy policy) {
        DiscoveryMethod method = policy.published().discoveryMethod().flatMap(m -> m.value()).orElse(DiscoveryMethod.TREEWALK);
        PolicyDiscovery discovery = discoveries.get(method);
        IdentifierAligner aligner = new IdentifierAligner(discovery);
        return (identifier, author, mode) -> DomainNames.normalize(identifier)
            .map(id -> aligner.match(author, discovery.organizationalDomain(author), id, mode).status() == AlignmentStatus.ALIGNED)
            .orElse(false);
    }

    private Decision log(Claim claim, Decision decision) {
        if (decision.outcome() == Outcome.SENT) {
            LOGGER.info("Failure report of evaluation {} for {} sent to {} as {}", claim.recordId(), claim.headerFrom(),
                decision.destination().orElse("?"), decision.reportMessageId().orElse("?"));
        } else {
            LOGGER.info("Failure report of evaluation {} for {}{} suppressed ({}): {}", claim.recordId(), claim.headerFrom(),
                decision.destination().map(d -> " to " + d).orElse(""), decision.reason(), decision.detail());
        }
        return decision;
    }

    /** The SPF record of the SPF domain, when the report should quote it: looked up now (the evaluation keeps no record text). */
    private Optional<String> spfDns(Claim claim) {
        Optional<String> domain = FailureReportComposer.spfDnsDomain(claim.record(), claim.verdict());
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        DnsAnswer answer = dns.txt(domain.get());
        return answer.records().stream().filter(r -> r.regionMatches(true, 0, "v=spf1", 0, 6)
                && (r.length() == 6 || r.charAt(6) == ' '))
            .findFirst().map(record -> FailureReportComposer.spfDns(domain.get(), record));
    }

    private void pruneWindows(Instant now) {
        if (lastPrune.isAfter(now.minus(Duration.ofHours(1)))) {
            return;
        }
        lastPrune = now;
        try {
            ledger.pruneWindowsBefore(now.minus(KEEP_WINDOWS));
            ledger.pruneDecisionsBefore(now.minus(configuration.decisionRetention()));
            // messages kept for reports: those no report needs any more, and any kept longer than a report may wait
            ledger.pruneMessages(now.minus(MAX_AGE).minus(Duration.ofDays(1)), now.minus(Duration.ofHours(1)));
        } catch (SQLException e) {
            LOGGER.debug("old rate limit windows, decisions and messages not pruned: {}", e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
