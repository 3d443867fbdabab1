package io.jamesdmarc.model.aggregate;

import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;

/** Why the disposition differs from the policy. An empty {@code <type/>} is kept as an unknown type. */
public record PolicyOverrideReason(Enumerated<OverrideType> type, Optional<String> comment) {
    public PolicyOverrideReason {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(comment, "comment");
    }
}
