package io.jamesdmarc.model.aggregate;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.PolicyResult;

/**
 * What the receiver concluded: the disposition applied and the DMARC-aligned DKIM and SPF results.
 * Some reporters (AOL) omit the aligned results: they are then empty.
 */
public record PolicyEvaluated(Enumerated<Disposition> disposition,
                              Optional<Enumerated<PolicyResult>> dkim,
                              Optional<Enumerated<PolicyResult>> spf,
                              List<PolicyOverrideReason> reasons) {
    public PolicyEvaluated {
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(dkim, "dkim");
        Objects.requireNonNull(spf, "spf");
        reasons = List.copyOf(reasons);
    }

    /** DMARC passed: the aligned DKIM or the aligned SPF result is pass. */
    public boolean dmarcPass() {
        return dkim.map(result -> result.is(PolicyResult.PASS)).orElse(false)
            || spf.map(result -> result.is(PolicyResult.PASS)).orElse(false);
    }
}
