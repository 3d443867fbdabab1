package io.jamesdmarc.model.aggregate;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.DkimResult;
import io.jamesdmarc.model.vocabulary.Enumerated;

/** One DKIM signature's result, uninterpreted by DMARC. The selector is missing in some real reports. */
public record DkimAuthResult(String domain,
                             Optional<String> selector,
                             Enumerated<DkimResult> result,
                             Optional<String> humanResult) {
    public DkimAuthResult {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(humanResult, "humanResult");
    }
}
