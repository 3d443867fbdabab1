package io.jamesdmarc.model.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.policy.DiscoveredPolicy;
import io.jamesdmarc.model.policy.DmarcRecord;
import io.jamesdmarc.model.policy.PolicyDiscovery;
import io.jamesdmarc.model.policy.PolicyLookup;
import io.jamesdmarc.model.policy.ReportUri;
import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.OverrideType;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.SpfResult;

/**
 * DMARC evaluation of a message (RFC 9989 section 5.3): Author Domain, policy discovery,
 * identifier alignment, pass or fail, the policy and disposition the Domain Owner asks for.
 *
 * <p>DKIM and SPF are checked by the caller; this class only needs their results. DNS failures
 * give {@link DmarcResult#TEMPERROR}, never "no policy". Thread-safe: one instance serves every
 * spool thread, sharing the resolver's cache.
 *
 * <pre>{@code
 * DnsResolver dns = new DnsResolver(DnsSettings.system());
 * DmarcEvaluator evaluator = new DmarcEvaluator(dns, EvaluationSettings.DEFAULTS);
 * DmarcEvaluation evaluation = evaluator.evaluate(new DmarcInputs(fromHeaders, Optional.of(spf), dkimChecks));
 * }</pre>
 */
public final class DmarcEvaluator {
    private static final Logger LOG = LoggerFactory.getLogger(DmarcEvaluator.class);

    private static final Set<DkimResult> DKIM_FAILURES = EnumSet.of(DkimResult.FAIL, DkimResult.PERMERROR,
        DkimResult.NEUTRAL, DkimResult.POLICY);
    private static final Set<SpfResult> SPF_FAILURES = EnumSet.of(SpfResult.FAIL, SpfResult.PERMERROR);
    /** The message's result is the worst of its domains': earlier is worse (fail is handled first). */
    private static final List<DmarcResult> SEVERITY = List.of(DmarcResult.FAIL, DmarcResult.TEMPERROR,
        DmarcResult.PERMERROR, DmarcResult.NONE, DmarcResult.PASS);

    private final EvaluationSettings settings;
    private final PolicyDiscovery discovery;
    private final IdentifierAligner aligner;
    private final PolicyChooser chooser;

    public DmarcEvaluator(DnsResolver dns, EvaluationSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.discovery = PolicyDiscovery.create(settings.discoveryMethod(), dns);
        this.aligner = new IdentifierAligner(discovery);
        this.chooser = new PolicyChooser(dns);
    }

    public EvaluationSettings settings() {
        return settings;
    }

    /** The policy discovery in use: report destination checks need the same Organizational Domains. */
    public PolicyDiscovery discovery() {
        return discovery;
    }

    public DmarcEvaluation evaluate(DmarcInputs inputs) {
        AuthorDomains authors = AuthorDomains.extract(inputs.fromHeaders());
        List<String> toEvaluate = authors.domains().stream().limit(settings.maxAuthorDomains()).toList();
        List<DomainEvaluation> domains = new ArrayList<>();
        for (String authorDomain : toEvaluate) {
            domains.add(evaluate(authorDomain, inputs));
        }
        List<String> incomplete = new ArrayList<>(authors.problems());
        if (toEvaluate.size() < authors.domains().size()) {
            incomplete.add(authors.domains().size() + " Author Domains, only the first " + toEvaluate.size() + " evaluated");
        }
        DmarcEvaluation evaluation = combine(inputs, authors, domains, incomplete);
        LOG.debug("DMARC {} for From {}: {}", evaluation.result().token(), authors.domains(), evaluation.explanation());
        return evaluation;
    }

    private static DmarcEvaluation combine(DmarcInputs inputs, AuthorDomains authors, List<DomainEvaluation> domains,
                                           List<String> incomplete) {
        List<DomainEvaluation> failing = domains.stream().filter(d -> d.result() == DmarcResult.FAIL).toList();
        String several = domains.size() > 1 ? domains.size() + " Author Domains: " : "";
        if (!failing.isEmpty()) {
            // RFC 9989 section 11.5: of several Author Domains, the strictest policy among those failing
            DomainEvaluation strictest = failing.stream()
                .max(Comparator.comparingInt(d -> strictness(d.disposition()))).orElseThrow();
            return new DmarcEvaluation(inputs, authors, domains, DmarcResult.FAIL, strictest.disposition(),
                several + strictest.authorDomain() + ": " + strictest.explanation());
        }
        if (!incomplete.isEmpty()) {
            return new DmarcEvaluation(inputs, authors, domains, DmarcResult.PERMERROR, Disposition.NONE,
                "DMARC cannot be evaluated: " + String.join("; ", incomplete));
        }
        DomainEvaluation worst = domains.stream()
            .min(Comparator.comparingInt(d -> SEVERITY.indexOf(d.result()))).orElseThrow();
        Disposition disposition = worst.result() == DmarcResult.PASS
            && domains.stream().anyMatch(d -> d.disposition() == Disposition.PASS) ? Disposition.PASS : Disposition.NONE;
        String explanation = domains.size() == 1 ? worst.explanation()
            : several + domains.stream().map(d -> d.authorDomain() + " " + d.result().token()).toList();
        return new DmarcEvaluation(inputs, authors, domains, worst.result(), disposition, explanation);
    }

    private static int strictness(Disposition disposition) {
        return switch (disposition) {
            case REJECT -> 3;
            case QUARANTINE -> 2;
            case NONE -> 1;
            case PASS -> 0;
        };
    }

    private DomainEvaluation evaluate(String authorDomain, DmarcInputs inputs) {
        PolicyLookup lookup = discovery.discover(authorDomain);
        switch (lookup.status()) {
            case TEMPERROR -> {
                return unevaluated(authorDomain, lookup, DmarcResult.TEMPERROR,
                    "policy discovery failed: " + lookup.temporaryError().orElseThrow());
            }
            case NO_POLICY -> {
                return unevaluated(authorDomain, lookup, DmarcResult.NONE, "no DMARC policy for " + authorDomain);
            }
            case FOUND -> {
                // evaluated below
            }
        }
        DiscoveredPolicy policy = lookup.policy().orElseThrow();
        DmarcRecord record = policy.record();
        if (!record.hasValidPolicy() && !record.hasWellFormedRua()) {
            return unevaluated(authorDomain, lookup, DmarcResult.NONE, "the record at _dmarc." + policy.policyDomain()
                + " has no valid p (or an invalid sp or np) and no well-formed rua: DMARC does not apply (RFC 9989 4.10.1)");
        }
        IdentifierAlignment dkim = aligner.dkim(authorDomain, policy.authorOrganizationalDomain(), inputs.dkim(),
            record.dkimAlignment());
        IdentifierAlignment spf = aligner.spf(authorDomain, policy.authorOrganizationalDomain(), inputs.spf(),
            record.spfAlignment());
        PolicyChooser.Choice choice = chooser.choose(authorDomain, policy);
        AppliedPolicy applied = choice.policy();

        DmarcResult result;
        String explanation;
        if (dkim.status() == AlignmentStatus.ALIGNED || spf.status() == AlignmentStatus.ALIGNED) {
            result = DmarcResult.PASS;
            explanation = "pass: " + (dkim.status() == AlignmentStatus.ALIGNED ? dkim.detail() : spf.detail());
        } else if (dkim.status() == AlignmentStatus.TEMPERROR || spf.status() == AlignmentStatus.TEMPERROR) {
            result = DmarcResult.TEMPERROR;
            explanation = "alignment unknown: " + (dkim.status() == AlignmentStatus.TEMPERROR ? dkim.detail() : spf.detail());
        } else if (choice.temporaryError().isPresent()) {
            result = DmarcResult.TEMPERROR;
            explanation = "no aligned identifier, and " + choice.temporaryError().get();
        } else {
            result = DmarcResult.FAIL;
            explanation = "fail: " + dkim.detail() + "; " + spf.detail() + "; " + applied.explanation();
        }
        Disposition disposition = disposition(result, applied);
        List<PolicyOverrideReason> overrides = result == DmarcResult.FAIL && applied.lowered()
            ? List.of(new PolicyOverrideReason(Enumerated.of(OverrideType.POLICY_TEST_MODE),
                Optional.of("t=y: " + applied.requested().token() + " requested, " + applied.applied().token() + " applied")))
            : List.of();
        return new DomainEvaluation(authorDomain, result, explanation, lookup, dkim, spf,
            result == DmarcResult.TEMPERROR ? Optional.empty() : Optional.of(applied), disposition, overrides,
            failureReportTriggers(result, record, dkim, spf, inputs));
    }

    private static DomainEvaluation unevaluated(String authorDomain, PolicyLookup lookup, DmarcResult result, String why) {
        IdentifierAlignment notEvaluated = IdentifierAlignment.not(AlignmentStatus.NOT_EVALUATED,
            Alignment.RELAXED, why);
        return new DomainEvaluation(authorDomain, result, why, lookup, notEvaluated, notEvaluated, Optional.empty(),
            Disposition.NONE, List.of(), Set.of());
    }

    private static Disposition disposition(DmarcResult result, AppliedPolicy applied) {
        return switch (result) {
            case PASS -> applied.applied() == PolicyAction.NONE ? Disposition.NONE : Disposition.PASS;
            case FAIL -> switch (applied.applied()) {
                case NONE -> Disposition.NONE;
                case QUARANTINE -> Disposition.QUARANTINE;
                case REJECT -> Disposition.REJECT;
            };
            case NONE, TEMPERROR, PERMERROR -> Disposition.NONE;
        };
    }

    /** Which fo options the message meets (RFC 9989 section 4.7): only when ruf is usable and not psd=y (RFC 9991). */
    private static Set<FailureOption> failureReportTriggers(DmarcResult result, DmarcRecord record, IdentifierAlignment dkim,
                                                            IdentifierAlignment spf, DmarcInputs inputs) {
        boolean rufUsable = record.ruf().stream().anyMatch(ReportUri::usable) && record.psdFlag() != PsdFlag.YES;
        if (!rufUsable || (result != DmarcResult.PASS && result != DmarcResult.FAIL)) {
            return Set.of();
        }
        Set<FailureOption> triggers = EnumSet.noneOf(FailureOption.class);
        Set<FailureOption> options = record.failureOptions();
        if (options.contains(FailureOption.ALL_FAIL) && result == DmarcResult.FAIL) {
            triggers.add(FailureOption.ALL_FAIL);
        }
        if (options.contains(FailureOption.ANY_FAIL)
            && (dkim.status() != AlignmentStatus.ALIGNED || spf.status() != AlignmentStatus.ALIGNED)) {
            triggers.add(FailureOption.ANY_FAIL);
        }
        if (options.contains(FailureOption.DKIM) && inputs.dkim().stream().anyMatch(s -> DKIM_FAILURES.contains(s.result()))) {
            triggers.add(FailureOption.DKIM);
        }
        if (options.contains(FailureOption.SPF) && inputs.spf().map(s -> SPF_FAILURES.contains(s.result())).orElse(false)) {
            triggers.add(FailureOption.SPF);
        }
        return triggers;
    }
}
