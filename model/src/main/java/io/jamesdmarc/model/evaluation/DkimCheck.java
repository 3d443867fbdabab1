package io.jamesdmarc.model.evaluation;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.DkimResult;

/**
 * One DKIM signature's verification result, as the caller obtained it.
 *
 * @param result the verification result
 * @param domain the signature's {@code d=}
 * @param selector the signature's {@code s=}
 * @param humanResult why verification failed, when known
 */
public record DkimCheck(DkimResult result, String domain, String selector, Optional<String> humanResult) {
    public DkimCheck {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(humanResult, "humanResult");
    }

    public DkimCheck(DkimResult result, String domain, String selector) {
        this(result, domain, selector, Optional.empty());
    }
}
