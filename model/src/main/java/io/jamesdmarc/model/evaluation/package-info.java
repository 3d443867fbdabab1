/**
 * DMARC evaluation of a message (RFC 9989 section 5.3): {@link io.jamesdmarc.model.evaluation.DmarcEvaluator}
 * takes the From header fields and the SPF and DKIM results a caller obtained, and returns a
 * {@link io.jamesdmarc.model.evaluation.DmarcEvaluation}: pass, fail, none, temperror or
 * permerror, the aligned identifiers, the policy chosen (p, sp or np, t=y), the disposition asked
 * for, and what aggregate and failure reports need.
 */
package io.jamesdmarc.model.evaluation;
