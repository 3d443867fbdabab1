package io.jamesdmarc.model.evaluation;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.SpfResult;
import io.jamesdmarc.model.vocabulary.SpfScope;

/**
 * The SPF result the caller obtained (DMARC does not run SPF itself).
 *
 * @param result the SPF result
 * @param domain the domain SPF checked: the RFC5321.MailFrom domain, or the HELO name when the
 *     reverse-path was null (RFC 7208 section 2.4, RFC 9989 section 3.2.4)
 * @param scope {@code mfrom}, or {@code helo} when the HELO name stood in for a null reverse-path
 * @param humanResult why SPF failed, when known
 */
public record SpfCheck(SpfResult result, String domain, SpfScope scope, Optional<String> humanResult) {
    public SpfCheck {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(humanResult, "humanResult");
    }

    public SpfCheck(SpfResult result, String domain, SpfScope scope) {
        this(result, domain, scope, Optional.empty());
    }
}
