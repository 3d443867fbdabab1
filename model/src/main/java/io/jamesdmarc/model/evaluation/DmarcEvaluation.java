package io.jamesdmarc.model.evaluation;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.DmarcResult;

/**
 * DMARC's verdict on a message. Usually one Author Domain, so {@link #domains()} holds one
 * evaluation; a From with several domains gets one per domain evaluated (RFC 9989 section 11.5),
 * and the message's result is the worst of them.
 *
 * @param inputs what was evaluated
 * @param authors the Author Domains found in the From header fields, and what was wrong with them
 * @param domains one evaluation per Author Domain evaluated, in From order
 * @param result the message's result: fail when any domain fails; otherwise permerror when the
 *     evaluation is incomplete (no usable From, an unusable address, more domains than the
 *     limit), else the worst of temperror, none, pass
 * @param disposition what the Domain Owners ask: the strictest disposition among failing domains
 * @param explanation the verdict in a sentence
 */
public record DmarcEvaluation(DmarcInputs inputs,
                              AuthorDomains authors,
                              List<DomainEvaluation> domains,
                              DmarcResult result,
                              Disposition disposition,
                              String explanation) {
    public DmarcEvaluation {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(authors, "authors");
        domains = List.copyOf(domains);
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(disposition, "disposition");
        Objects.requireNonNull(explanation, "explanation");
    }

    /** The evaluation of the first Author Domain: the only one for nearly every message. */
    public Optional<DomainEvaluation> primary() {
        return domains.stream().findFirst();
    }
}
