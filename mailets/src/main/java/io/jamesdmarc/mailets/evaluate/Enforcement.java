package io.jamesdmarc.mailets.evaluate;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.jamesdmarc.model.aggregate.PolicyOverrideReason;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;
import io.jamesdmarc.model.vocabulary.Disposition;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.OverrideType;

/**
 * How far this server follows the dispositions Domain Owners ask for: what {@code DmarcEvaluate}
 * applies (the {@code io.jamesdmarc.dmarc.applied} attribute the {@code IsDmarcDisposition}
 * matcher reads), and what the recorded evaluation says was done, so that the aggregate reports
 * this server sends show the disposition actually applied, with the {@code local_policy} reason
 * where it differs from the policy's (RFC 9990 {@code policy_evaluated}).
 */
public enum Enforcement {
    /** Nothing is quarantined nor rejected: every message is delivered as usual. */
    MONITOR("monitor", "monitoring only: the receiver applies no DMARC disposition"),
    /** Reject and quarantine are both applied as quarantine: nothing is refused. */
    QUARANTINE("quarantine", "the receiver quarantines messages the policy asks to reject"),
    /** Reject and quarantine are applied as asked: the record says what the policy asks. */
    ENFORCE("enforce", "the policy's disposition");

    private final String token;
    private final String overrideComment;

    Enforcement(String token, String overrideComment) {
        this.token = token;
        this.overrideComment = overrideComment;
    }

    public String token() {
        return token;
    }

    public static List<String> tokens() {
        return Arrays.stream(values()).map(Enforcement::token).toList();
    }

    public static Enforcement of(String token) {
        return Arrays.stream(values()).filter(e -> e.token.equalsIgnoreCase(token)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("enforcement must be one of " + tokens() + ", was '" + token + "'"));
    }

    /** What is done with a message whose policy asks {@code asked}. */
    public Disposition applied(Disposition asked) {
        return switch (this) {
            case ENFORCE -> asked;
            case QUARANTINE -> asked == Disposition.REJECT ? Disposition.QUARANTINE : asked;
            case MONITOR -> asked == Disposition.REJECT || asked == Disposition.QUARANTINE ? Disposition.NONE : asked;
        };
    }

    /**
     * The record with the disposition applied to the message, for each failing Author Domain whose
     * own differs, with a {@code local_policy} reason saying why. A passing message, or one whose
     * disposition is applied as asked ({@link #ENFORCE}), is returned as it is.
     */
    public EvaluationRecord recorded(EvaluationRecord record) {
        if (this == ENFORCE) {
            return record;
        }
        return record.withAppliedDisposition(applied(record.disposition()),
            new PolicyOverrideReason(Enumerated.of(OverrideType.LOCAL_POLICY), Optional.of(overrideComment)));
    }
}
