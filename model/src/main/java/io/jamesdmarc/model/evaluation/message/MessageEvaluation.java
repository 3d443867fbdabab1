package io.jamesdmarc.model.evaluation.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.evaluation.DmarcEvaluation;
import io.jamesdmarc.model.evaluation.SpfCheck;
import io.jamesdmarc.model.evaluation.auth.AuthenticationResults;
import io.jamesdmarc.model.evaluation.auth.DkimSignatureResult;
import io.jamesdmarc.model.evaluation.record.EvaluationRecord;

/**
 * Everything evaluating one message gave.
 *
 * @param dmarc DMARC's verdict: result, disposition the policy asks, the evaluation of each Author Domain
 * @param dkim every DKIM signature's result, in header order
 * @param spf the SPF result, empty when there was nothing to check
 * @param record what is recorded for the aggregate and failure reports
 * @param authenticationResults the value of the {@link AuthenticationResults#HEADER_NAME} field to add
 */
public record MessageEvaluation(DmarcEvaluation dmarc,
                                List<DkimSignatureResult> dkim,
                                Optional<SpfCheck> spf,
                                EvaluationRecord record,
                                String authenticationResults) {
    public MessageEvaluation {
        Objects.requireNonNull(dmarc, "dmarc");
        dkim = List.copyOf(dkim);
        Objects.requireNonNull(spf, "spf");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(authenticationResults, "authenticationResults");
    }
}
