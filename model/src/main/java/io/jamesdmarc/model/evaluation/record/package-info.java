/**
 * What is kept of each evaluated message for the reports this server sends:
 * {@link io.jamesdmarc.model.evaluation.record.EvaluationRecord} (an aggregate report record per
 * Author Domain with a policy, and failure report details when one is due), and
 * {@link io.jamesdmarc.model.evaluation.record.EvaluationRecordCodec}, its one-line JSON form for the
 * spool that holds evaluations while the database is away.
 */
package io.jamesdmarc.model.evaluation.record;
