package io.jamesdmarc.storage.outbound;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import jakarta.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.jamesdmarc.model.aggregate.ReportRecord;
import io.jamesdmarc.model.destination.DestinationStatus;
import io.jamesdmarc.model.destination.ReportDestination;
import io.jamesdmarc.model.outbound.AggregateReportMail;
import io.jamesdmarc.model.outbound.AggregateReportParts;
import io.jamesdmarc.model.outbound.ReportPart;
import io.jamesdmarc.model.outbound.ReportPeriod;
import io.jamesdmarc.model.outbound.SendFrequency;
import io.jamesdmarc.storage.evaluation.AggregateRow;
import io.jamesdmarc.storage.evaluation.EvaluationRepository;
import io.jamesdmarc.storage.evaluation.ReportablePolicy;

/**
 * Makes and sends the aggregate reports (RFC 9990) of recorded evaluations: what the
 * {@code DmarcAggregateReporter} mailet's scheduler and {@code dmarc reports send} both run.
 *
 * <p>For each period and each policy domain and configuration with evaluations no report counted:
 * claim the report ({@link OutboundAggregateReports}: one reporter wins, however many share the
 * database), read its records ({@link EvaluationRepository#aggregateRows}), verify each {@code rua}
 * destination ({@link ReportDestinations}), write the XML, gzipped, split at the size limit (the
 * smallest of {@code maxReportSize} and the destinations' {@code !size}), hand each part's mail to the
 * {@link ReportSender}, then record it sent and mark the evaluations it counted. A failure leaves the
 * report failed, to be claimed again after a back-off, with the same id and file name; nothing is
 * marked, so nothing is lost. A dry run claims and marks nothing.
 *
 * <p>Every outcome is logged with the policy domain, the period and the report id, and where the
 * report went or why not.
 */
public final class AggregateReporting {

    private static final Logger LOGGER = LoggerFactory.getLogger(AggregateReporting.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EvaluationRepository evaluations;
    private final OutboundAggregateReports reports;
    private final ReportingSettings settings;
    private final ReportDestinations destinations;
    private final ReportSender sender;

    public AggregateReporting(EvaluationRepository evaluations, OutboundAggregateReports reports, ReportingSettings settings,
                              ReportDestinations destinations, ReportSender sender) {
        this.evaluations = Objects.requireNonNull(evaluations, "evaluations");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    public ReportingSettings settings() {
        return settings;
    }

    /**
     * Sends every report due at {@code now}: those of the periods of {@code frequency} that ended at
     * least the send delay ago and hold evaluations no report counted, oldest first. Nothing for
     * {@link SendFrequency#NEVER}.
     */
    public List<ReportOutcome> sendDue(SendFrequency frequency, Instant now) throws SQLException {
        return sendDue(frequency, now, false);
    }

    /**
     * {@link #sendDue(SendFrequency, Instant)}, or with {@code dryRun} the same reports built and handed
     * to the sender without claiming nor marking anything.
     */
    public List<ReportOutcome> sendDue(SendFrequency frequency, Instant now, boolean dryRun) throws SQLException {
        if (frequency == SendFrequency.NEVER) {
            return List.of();
        }
        ReportPeriod last = frequency.lastCompleteBefore(now.minus(settings.sendDelay()));
        List<ReportOutcome> outcomes = new ArrayList<>();
        Optional<Instant> next = evaluations.oldestUnreported(Instant.EPOCH);
        while (next.isPresent() && next.get().isBefore(last.end())) {
            ReportPeriod period = frequency.periodOf(next.get());
            outcomes.addAll(send(period, now, dryRun, true));
            next = evaluations.oldestUnreported(period.end());
        }
        return outcomes;
    }

    /**
     * The reports of one period: sent (claimed, recorded), or with {@code dryRun} built and handed to
     * the sender without claiming nor marking anything, unreported or not.
     */
    public List<ReportOutcome> send(ReportPeriod period, Instant now, boolean dryRun) throws SQLException {
        return send(period, now, dryRun, !dryRun);
    }

    private List<ReportOutcome> send(ReportPeriod period, Instant now, boolean dryRun, boolean onlyUnreported) throws SQLException {
        List<ReportOutcome> outcomes = new ArrayList<>();
        for (ReportablePolicy policy : evaluations.reportablePolicies(period.begin(), period.end())) {
            if (onlyUnreported && policy.unreported() == 0) {
                continue;
            }
            OutboundReportKey key = new OutboundReportKey(policy.policyDomain(), policy.policyHash(), period);
            outcomes.add(dryRun ? dryRun(policy, key, now) : send(policy, key, now));
        }
        return outcomes;
    }

    private ReportOutcome dryRun(ReportablePolicy policy, OutboundReportKey key, Instant now) throws SQLException {
        String reportId = reports.find(key).map(OutboundAggregateReports.Row::reportId)
            .orElseGet(() -> key.reportId(settings.identity().receiverDomain()));
        List<ReportDestination> verdicts = destinations.verify(policy.policyDomain(), limited(policy));
        List<String> mailboxes = mailboxes(verdicts);
        List<AggregateRow> rows = evaluations.aggregateRows(key.policyDomain(), key.policyHash(), key.period().begin(), key.period().end());
        if (rows.isEmpty()) {
            return new ReportOutcome(key, ReportOutcome.Status.WRITTEN, reportId, 0, 0, 0, mailboxes, "no records");
        }
        List<ReportPart> parts = parts(policy, key, reportId, verdicts, rows);
        try {
            for (ReportPart part : parts) {
                sender.send(outgoing(key, part, parts.size(), mailboxes, now));
            }
        } catch (Exception e) {
            return new ReportOutcome(key, ReportOutcome.Status.FAILED, reportId, parts.size(), 0, 0, mailboxes, e.getMessage());
        }
        return new ReportOutcome(key, ReportOutcome.Status.WRITTEN, reportId, parts.size(),
            parts.stream().mapToInt(ReportPart::records).sum(), parts.stream().mapToLong(ReportPart::messages).sum(), mailboxes,
            describe(verdicts));
    }

    private ReportOutcome send(ReportablePolicy policy, OutboundReportKey key, Instant now) throws SQLException {
        String owner = settings.owner();
        Optional<OutboundAggregateReports.Claim> claimed = reports.claim(key, owner, key.reportId(settings.identity().receiverDomain()),
            now, settings.lease());
        if (claimed.isEmpty()) {
            return notClaimed(key, now);
        }
        OutboundAggregateReports.Claim claim = claimed.get();
        Optional<String> destinationsJson = Optional.empty();
        try {
            List<ReportDestination> verdicts = destinations.verify(policy.policyDomain(), limited(policy));
            destinationsJson = Optional.of(json(verdicts));
            List<String> mailboxes = mailboxes(verdicts);
            boolean temperror = verdicts.stream().anyMatch(v -> v.status() == DestinationStatus.TEMPERROR);
            if (temperror && claim.attempts() + 1 < ReportingSettings.TEMPERROR_ATTEMPTS) {
                return failed(claim, key, "a destination could not be verified (DNS temporary error): " + describe(verdicts),
                    destinationsJson, now);
            }
            if (mailboxes.isEmpty()) {
                String why = policy.rua().isEmpty() ? "the policy asks for no aggregate reports (no rua)"
                    : "no destination may receive it: " + describe(verdicts);
                reports.undeliverable(claim, owner, destinationsJson.get(), why, now);
                LOGGER.info("DMARC aggregate report {} for {} {}: not sent, {}", claim.reportId(), key.policyDomain(), key.period(), why);
                return new ReportOutcome(key, ReportOutcome.Status.UNDELIVERABLE, claim.reportId(), 0, 0, 0, List.of(), why);
            }
            OptionalLong onlyOurs = policy.unreported() == policy.messages() ? OptionalLong.empty() : OptionalLong.of(claim.id());
            List<AggregateRow> rows = evaluations.aggregateRows(key.policyDomain(), key.policyHash(), key.period().begin(),
                key.period().end(), onlyOurs);
            if (rows.isEmpty()) {
                reports.undeliverable(claim, owner, destinationsJson.get(), "no records left (pruned)", now);
                return new ReportOutcome(key, ReportOutcome.Status.UNDELIVERABLE, claim.reportId(), 0, 0, 0, List.of(), "no records");
            }
            List<ReportPart> parts = parts(policy, key, claim.reportId(), verdicts, rows);
            int records = parts.stream().mapToInt(ReportPart::records).sum();
            long messages = parts.stream().mapToLong(ReportPart::messages).sum();
            OutboundAggregateReports.Built built = new OutboundAggregateReports.Built(parts.getFirst().fileName(), parts.size(), records,
                messages, parts.stream().mapToLong(ReportPart::xmlBytes).sum(), parts.stream().mapToLong(p -> p.gzip().length).sum(),
                destinationsJson.get());
            if (!reports.sending(claim, owner, built, now, settings.lease())) {
                LOGGER.warn("DMARC aggregate report {} for {} {}: the claim was lost to another reporter before sending; it sends it",
                    claim.reportId(), key.policyDomain(), key.period());
                return new ReportOutcome(key, ReportOutcome.Status.HELD_ELSEWHERE, claim.reportId(), 0, 0, 0, List.of(), "claim lost");
            }
            for (ReportPart part : parts) {
                sender.send(outgoing(key, part, parts.size(), mailboxes, now));
            }
            int marked = reports.sent(claim, owner, destinationsJson.get(), now);
            if (marked < 0) {
                LOGGER.warn("DMARC aggregate report {} for {} {}: sent, but its claim was taken over meanwhile (lease of {} ran out): "
                    + "the other reporter sends it again, with the same id", claim.reportId(), key.policyDomain(), key.period(),
                    settings.lease());
            }
            LOGGER.info("DMARC aggregate report {} for {} {}: sent to {} ({} part{}, {} records, {} messages, {} evaluations marked){}",
                claim.reportId(), key.policyDomain(), key.period(), mailboxes, parts.size(), parts.size() > 1 ? "s" : "", records, messages,
                marked, skippedDestinations(verdicts));
            return new ReportOutcome(key, ReportOutcome.Status.SENT, claim.reportId(), parts.size(), records, messages, mailboxes,
                describe(verdicts));
        } catch (Exception e) {
            return failed(claim, key, e.getClass().getSimpleName() + ": " + e.getMessage(), destinationsJson, now);
        }
    }

    private ReportOutcome notClaimed(OutboundReportKey key, Instant now) throws SQLException {
        Optional<OutboundAggregateReports.Row> row = reports.find(key);
        if (row.isPresent() && row.get().state().finished()) {
            // evaluations stored after their report went (a spool replayed late): it cannot be sent twice
            int late = evaluations.markAggregateReported(key.policyDomain(), key.policyHash(), key.period().begin(), key.period().end(),
                row.get().id(), now);
            if (late > 0) {
                LOGGER.warn("DMARC aggregate report {} for {} {}: {} evaluation(s) arrived after it was {}; counted as reported, not in it",
                    row.get().reportId(), key.policyDomain(), key.period(), late, row.get().state().token());
            }
            return new ReportOutcome(key, ReportOutcome.Status.LATE_EVALUATIONS, row.get().reportId(), 0, 0, late, List.of(),
                late + " late evaluations");
        }
        String detail = row.map(r -> r.state() == OutboundReportState.FAILED
            ? "failed " + r.attempts() + " time(s), next attempt at " + r.nextAttemptAt() + ": " + r.lastError().orElse("")
            : r.state().token() + " by " + r.claimOwner().orElse("?") + " until " + r.leaseUntil().map(Instant::toString).orElse("?"))
            .orElse("held by another reporter");
        LOGGER.debug("DMARC aggregate report for {} {}: not claimed, {}", key.policyDomain(), key.period(), detail);
        return new ReportOutcome(key, ReportOutcome.Status.HELD_ELSEWHERE, row.map(OutboundAggregateReports.Row::reportId).orElse(""), 0, 0, 0,
            List.of(), detail);
    }

    private ReportOutcome failed(OutboundAggregateReports.Claim claim, OutboundReportKey key, String error, Optional<String> destinationsJson,
                                 Instant now) {
        int attempts = claim.attempts() + 1;
        Instant next = now.plus(ReportingSettings.backoff(attempts));
        LOGGER.warn("DMARC aggregate report {} for {} {}: attempt {} failed, tried again from {} with the same id: {}", claim.reportId(),
            key.policyDomain(), key.period(), attempts, next, error);
        try {
            reports.failed(claim, settings.owner(), error, destinationsJson, next, now);
        } catch (SQLException e) {
            LOGGER.warn("DMARC aggregate report {}: its failure could not be recorded ({}); another reporter takes it over when its "
                + "lease ends", claim.reportId(), e.getMessage());
        }
        return new ReportOutcome(key, ReportOutcome.Status.FAILED, claim.reportId(), 0, 0, 0, List.of(), error);
    }

    private List<ReportPart> parts(ReportablePolicy policy, OutboundReportKey key, String reportId, List<ReportDestination> verdicts,
                                   List<AggregateRow> rows) {
        long limit = settings.maxReportSize();
        for (ReportDestination verdict : verdicts) {
            if (verdict.deliverable() && verdict.requested().legacySizeLimit().isPresent()) {
                limit = Math.min(limit, Math.max(AggregateReportParts.MIN_LIMIT, verdict.requested().legacySizeLimit().get()));
            }
        }
        List<ReportRecord> records = new ArrayList<>(rows.size());
        for (AggregateRow row : rows) {
            records.add(row.toReportRecord());
        }
        return new AggregateReportParts(settings.format(), settings.identity(), policy.published(), key.period(), reportId, limit)
            .write(records);
    }

    private OutgoingReport outgoing(OutboundReportKey key, ReportPart part, int parts, List<String> mailboxes, Instant now) {
        MimeMessage message = AggregateReportMail.message(settings.identity(), key.policyDomain(), key.period(), part, parts, mailboxes, now);
        return new OutgoingReport(key.policyDomain(), key.period(), part, parts, message, settings.identity().fromAddress(), mailboxes);
    }

    /** The policy's first {@value ReportingSettings#MAX_DESTINATIONS} rua URIs; the others are logged and skipped. */
    private static List<String> limited(ReportablePolicy policy) {
        List<String> rua = policy.rua();
        if (rua.size() <= ReportingSettings.MAX_DESTINATIONS) {
            return rua;
        }
        LOGGER.warn("DMARC aggregate reports for {}: its record lists {} rua URIs; only the first {} are used, skipped: {}",
            policy.policyDomain(), rua.size(), ReportingSettings.MAX_DESTINATIONS, rua.subList(ReportingSettings.MAX_DESTINATIONS, rua.size()));
        return rua.subList(0, ReportingSettings.MAX_DESTINATIONS);
    }

    private static List<String> mailboxes(List<ReportDestination> verdicts) {
        Set<String> mailboxes = new LinkedHashSet<>();
        verdicts.stream().filter(ReportDestination::deliverable).forEach(v -> mailboxes.addAll(v.mailboxes()));
        // an override record may list more mailboxes than asked: the same cap
        return mailboxes.stream().limit(ReportingSettings.MAX_DESTINATIONS).toList();
    }

    private static String describe(List<ReportDestination> verdicts) {
        List<String> parts = new ArrayList<>();
        for (ReportDestination verdict : verdicts) {
            parts.add(verdict.requested().text() + " " + verdict.status().name().toLowerCase(java.util.Locale.ROOT) + " (" + verdict.detail() + ")");
        }
        return parts.isEmpty() ? "no rua" : String.join("; ", parts);
    }

    private static String skippedDestinations(List<ReportDestination> verdicts) {
        List<ReportDestination> skipped = verdicts.stream().filter(v -> !v.deliverable()).toList();
        return skipped.isEmpty() ? "" : "; skipped: " + describe(skipped);
    }

    static String json(List<ReportDestination> verdicts) {
        ArrayNode array = JSON.createArrayNode();
        for (ReportDestination verdict : verdicts) {
            ObjectNode node = array.addObject();
            node.put("uri", verdict.requested().text());
            node.put("status", verdict.status().name());
            ArrayNode boxes = node.putArray("mailboxes");
            verdict.mailboxes().forEach(boxes::add);
            verdict.requested().legacySizeLimit().ifPresent(size -> node.put("sizeLimit", size));
            node.put("detail", verdict.detail());
        }
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
