package io.jamesdmarc.model.evaluation.auth;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.evaluation.DkimCheck;
import io.jamesdmarc.model.vocabulary.DkimResult;

/**
 * What verifying one DKIM-Signature field gave.
 *
 * @param result the RFC 8601 result (see {@link DkimVerifier} for which failure gives which)
 * @param domain the signature's {@code d=} (A-label, lower case), empty when the signature has none
 * @param selector the signature's {@code s=}, empty when it has none
 * @param algorithm the signature's {@code a=} (lower case), empty when it has none
 * @param signaturePrefix the first characters of {@code b=}, for {@code header.b} (RFC 6008)
 * @param humanResult why it did not pass; empty on pass
 */
public record DkimSignatureResult(DkimResult result,
                                  String domain,
                                  String selector,
                                  String algorithm,
                                  String signaturePrefix,
                                  Optional<String> humanResult) {
    public DkimSignatureResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(signaturePrefix, "signaturePrefix");
        Objects.requireNonNull(humanResult, "humanResult");
    }

    /** Whether the signature names a signing domain: one without d= can align with nothing and is reported to no one. */
    public boolean hasDomain() {
        return !domain.isEmpty();
    }

    /** The result as DMARC evaluation takes it. */
    public DkimCheck toCheck() {
        return new DkimCheck(result, domain, selector, humanResult);
    }
}
