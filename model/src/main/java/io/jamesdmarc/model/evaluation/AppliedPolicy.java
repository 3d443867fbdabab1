package io.jamesdmarc.model.evaluation;

import java.util.Objects;

import io.jamesdmarc.model.vocabulary.PolicyAction;

/**
 * The Domain Owner Assessment Policy that applies to the Author Domain, and why.
 *
 * @param tag the tag it comes from (p, sp or np)
 * @param requested the policy the record asks
 * @param applied the policy to apply: one level lower than requested when the record has
 *     {@code t=y} (reject becomes quarantine, quarantine becomes none)
 * @param relation whether the Author Domain is the policy domain, an existing or a non-existent subdomain
 * @param explanation the choice in a sentence
 */
public record AppliedPolicy(PolicyTag tag, PolicyAction requested, PolicyAction applied, DomainRelation relation,
                            String explanation) {
    public AppliedPolicy {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(applied, "applied");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(explanation, "explanation");
    }

    /** Whether test mode lowered the policy. */
    public boolean lowered() {
        return requested != applied;
    }
}
