package io.jamesdmarc.model.evaluation.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.jamesdmarc.model.aggregate.PolicyEvaluated;
import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyResult;

/**
 * DMARC's verdict on one Author Domain of a message: one aggregate report record for its policy
 * domain, and a failure report when due.
 *
 * @param headerFrom the Author Domain (RFC5322.From domain, A-label, lower case)
 * @param result pass, fail, none (no policy), temperror or permerror
 * @param explanation the verdict in a sentence
 * @param policy the policy that applied, when one was found
 * @param policyEvaluated the aggregate report's {@code policy_evaluated}: disposition, aligned
 *     DKIM and SPF results, override reasons
 * @param alignedDkimDomain the {@code d=} of the aligned DKIM signature, when DKIM is aligned
 * @param alignedDkimSelector the {@code s=} of that signature
 * @param alignedSpfDomain the SPF domain, when SPF is aligned
 * @param failureReportTriggers the record's {@code fo} options this message meets: a failure
 *     report is due to its {@code ruf} when any
 */
public record DomainVerdict(String headerFrom,
                            DmarcResult result,
                            String explanation,
                            Optional<RecordedPolicy> policy,
                            PolicyEvaluated policyEvaluated,
                            Optional<String> alignedDkimDomain,
                            Optional<String> alignedDkimSelector,
                            Optional<String> alignedSpfDomain,
                            Set<FailureOption> failureReportTriggers) {
    public DomainVerdict {
        Objects.requireNonNull(headerFrom, "headerFrom");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(explanation, "explanation");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(policyEvaluated, "policyEvaluated");
        Objects.requireNonNull(alignedDkimDomain, "alignedDkimDomain");
        Objects.requireNonNull(alignedDkimSelector, "alignedDkimSelector");
        Objects.requireNonNull(alignedSpfDomain, "alignedSpfDomain");
        failureReportTriggers = Collections.unmodifiableSet(failureReportTriggers.isEmpty()
            ? EnumSet.noneOf(FailureOption.class) : EnumSet.copyOf(failureReportTriggers));
    }

    public boolean failureReportDue() {
        return !failureReportTriggers.isEmpty();
    }

    /**
     * The mechanisms that produced a DMARC-aligned pass ({@code dkim}, {@code spf}, {@code dkim, spf}),
     * {@code none} when neither did. Not RFC 9991's {@code Identity-Alignment}, which names the
     * mechanisms that failed to authenticate an aligned identity (the failure reporter's business).
     */
    public String alignedPasses() {
        List<String> aligned = new ArrayList<>(2);
        if (passed(policyEvaluated.dkim())) {
            aligned.add("dkim");
        }
        if (passed(policyEvaluated.spf())) {
            aligned.add("spf");
        }
        return aligned.isEmpty() ? "none" : String.join(", ", aligned);
    }

    private static boolean passed(Optional<Enumerated<PolicyResult>> result) {
        return result.map(r -> r.is(PolicyResult.PASS)).orElse(false);
    }

    /**
     * This verdict with the disposition the receiver applied instead of the one the policy asks,
     * and the reason: for a failing domain whose disposition differs. Others are returned as they are.
     */
    DomainVerdict withAppliedDisposition(Disposition applied, PolicyOverrideReason reason) {
        if (result != DmarcResult.FAIL || policyEvaluated.disposition().is(applied)) {
            return this;
        }
        List<PolicyOverrideReason> reasons = new ArrayList<>(policyEvaluated.reasons());
        reasons.add(reason);
        PolicyEvaluated overridden = new PolicyEvaluated(Enumerated.of(applied), policyEvaluated.dkim(),
            policyEvaluated.spf(), reasons);
        return new DomainVerdict(headerFrom, result, explanation, policy, overridden, alignedDkimDomain,
            alignedDkimSelector, alignedSpfDomain, failureReportTriggers);
    }
}
