package io.jamesdmarc.model.evaluation;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.PolicyResult;

/**
 * DKIM's or SPF's identifier alignment with the Author Domain.
 *
 * @param status aligned, not, or why not checked
 * @param mode the mode the policy asks (adkim or aspf)
 * @param alignedDomain the aligned identifier (DKIM {@code d=}, SPF domain), when aligned
 * @param alignedSelector the aligned DKIM signature's {@code s=}, when DKIM is aligned
 * @param exact whether the aligned identifier is the Author Domain itself (strict alignment)
 * @param detail how the conclusion was reached, for logs and failure reports
 */
public record IdentifierAlignment(AlignmentStatus status,
                                  Alignment mode,
                                  Optional<String> alignedDomain,
                                  Optional<String> alignedSelector,
                                  boolean exact,
                                  String detail) {
    public IdentifierAlignment {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(alignedDomain, "alignedDomain");
        Objects.requireNonNull(alignedSelector, "alignedSelector");
        Objects.requireNonNull(detail, "detail");
        if (alignedDomain.isPresent() != (status == AlignmentStatus.ALIGNED)) {
            throw new IllegalArgumentException("an aligned domain exactly when aligned");
        }
    }

    static IdentifierAlignment aligned(Alignment mode, String domain, Optional<String> selector, boolean exact, String detail) {
        return new IdentifierAlignment(AlignmentStatus.ALIGNED, mode, Optional.of(domain), selector, exact, detail);
    }

    static IdentifierAlignment not(AlignmentStatus status, Alignment mode, String detail) {
        return new IdentifierAlignment(status, mode, Optional.empty(), Optional.empty(), false, detail);
    }

    /** The aggregate report's view: pass when aligned, fail otherwise (RFC 9990 policy_evaluated). */
    public PolicyResult result() {
        return status == AlignmentStatus.ALIGNED ? PolicyResult.PASS : PolicyResult.FAIL;
    }
}
