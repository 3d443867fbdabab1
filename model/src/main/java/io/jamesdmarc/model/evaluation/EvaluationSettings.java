package io.jamesdmarc.model.evaluation;

import java.util.Objects;

import io.jamesdmarc.model.vocabulary.DiscoveryMethod;

/**
 * How {@link DmarcEvaluator} works.
 *
 * @param discoveryMethod the RFC 9989 DNS tree walk (the default) or the RFC 7489 public suffix list
 * @param maxAuthorDomains how many distinct Author Domains of one From are evaluated; RFC 9989
 *     section 11.5 advises a limit, as each costs DNS queries; past it the evaluation is incomplete
 */
public record EvaluationSettings(DiscoveryMethod discoveryMethod, int maxAuthorDomains) {
    public static final int DEFAULT_MAX_AUTHOR_DOMAINS = 4;
    public static final EvaluationSettings DEFAULTS = new EvaluationSettings(DiscoveryMethod.TREEWALK, DEFAULT_MAX_AUTHOR_DOMAINS);

    public EvaluationSettings {
        Objects.requireNonNull(discoveryMethod, "discoveryMethod");
        if (maxAuthorDomains < 1) {
            throw new IllegalArgumentException("maxAuthorDomains must be at least 1, got " + maxAuthorDomains);
        }
    }

    public EvaluationSettings withDiscoveryMethod(DiscoveryMethod method) {
        return new EvaluationSettings(method, maxAuthorDomains);
    }

    public EvaluationSettings withMaxAuthorDomains(int max) {
        return new EvaluationSettings(discoveryMethod, max);
    }
}
