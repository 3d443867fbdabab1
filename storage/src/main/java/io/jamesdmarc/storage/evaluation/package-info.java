/**
 * The evaluations this server makes of inbound mail, kept for the aggregate (RFC 9990) and failure
 * (RFC 9991) reports it sends: {@link io.jamesdmarc.storage.evaluation.EvaluationRecorder} records
 * them without slowing mail (a queue, batches, a durable local spool while the database fails), and
 * {@link io.jamesdmarc.storage.evaluation.EvaluationRepository} stores and reads them, and gives the
 * rows of each aggregate report ({@link io.jamesdmarc.storage.evaluation.AggregateRow}).
 */
package io.jamesdmarc.storage.evaluation;
