/**
 * DMARC evaluation of a received message: {@link io.jamesdmarc.model.evaluation.message.MessageEvaluator}
 * takes the raw message and its {@link io.jamesdmarc.model.evaluation.message.SmtpEnvelope}, and gives
 * the DKIM, SPF and DMARC results, the {@link io.jamesdmarc.model.evaluation.record.EvaluationRecord}
 * to keep and the Authentication-Results field to add.
 */
package io.jamesdmarc.model.evaluation.message;
