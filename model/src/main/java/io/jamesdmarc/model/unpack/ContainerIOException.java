package io.jamesdmarc.model.unpack;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

import com.google.common.base.Throwables;

import io.jamesdmarc.model.ReportParseException;

/**
 * Carries a typed problem (a breached limit, a corrupt container) through {@link java.io.InputStream}
 * methods, which may only throw {@link IOException}; whoever reads the stream unwraps it with
 * {@link #find(Throwable)}, whatever wrapped it on the way (a parser, jakarta.mail).
 */
final class ContainerIOException extends IOException {

    private static final long serialVersionUID = 1L;

    private final ReportParseException problem;

    ContainerIOException(ReportParseException problem) {
        super(problem.getMessage(), problem);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    ReportParseException problem() {
        return problem;
    }

    /** The typed problem somewhere in the causal chain of {@code thrown}, if one is there. */
    static Optional<ReportParseException> find(Throwable thrown) {
        for (Throwable cause : Throwables.getCausalChain(thrown)) {
            if (cause instanceof ContainerIOException container) {
                return Optional.of(container.problem);
            }
        }
        return Optional.empty();
    }
}
