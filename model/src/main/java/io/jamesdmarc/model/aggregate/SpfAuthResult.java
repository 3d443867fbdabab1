package io.jamesdmarc.model.aggregate;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/** One SPF result, uninterpreted by DMARC. RFC 7489 reports may carry both a helo and an mfrom result. */
public record SpfAuthResult(String domain,
                            Optional<Enumerated<SpfScope>> scope,
                            Enumerated<SpfResult> result,
                            Optional<String> humanResult) {
    public SpfAuthResult {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(humanResult, "humanResult");
    }
}
