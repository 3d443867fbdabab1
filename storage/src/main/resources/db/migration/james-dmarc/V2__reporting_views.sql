-- Views for dashboards (Grafana, Metabase) and ad-hoc SQL. SQL SECURITY INVOKER: a read-only user
-- with SELECT on this database can use them, and they keep working whoever created them.
-- A report belongs to the day its period begins (date_begin, UTC). pass = policy_evaluated dkim or spf is pass.

-- Aggregate reports with the authentication of the message that delivered them: a report whose
-- message did not pass DMARC (message_dmarc_result) could have been forged.
CREATE SQL SECURITY INVOKER VIEW v_aggregate_reports AS
SELECT rep.id AS aggregate_report_id,
       rep.policy_domain,
       rep.org_name,
       rep.reporter_email,
       rep.report_id,
       rep.date_begin,
       rep.date_end,
       rep.policy_p,
       rep.policy_sp,
       rep.policy_np,
       rep.policy_testing,
       rep.format,
       rep.record_count,
       rep.message_count,
       rep.dmarc_pass_count,
       rep.message_count - rep.dmarc_pass_count AS dmarc_fail_count,
       rep.stored_at,
       msg.id AS received_message_id,
       msg.origin AS message_origin,
       msg.received_at AS message_received_at,
       msg.envelope_sender AS message_envelope_sender,
       msg.dkim_result AS message_dkim_result,
       msg.dkim_domain AS message_dkim_domain,
       msg.spf_result AS message_spf_result,
       msg.spf_domain AS message_spf_domain,
       msg.dmarc_result AS message_dmarc_result
FROM aggregate_reports rep
JOIN received_messages msg ON msg.id = rep.received_message_id;

-- Every record with its report's header: where most questions start.
CREATE SQL SECURITY INVOKER VIEW v_aggregate_records AS
SELECT rep.id AS aggregate_report_id,
       rep.policy_domain,
       rep.org_name,
       rep.reporter_email,
       rep.report_id,
       rep.date_begin,
       rep.date_end,
       rep.policy_p,
       rec.record_no,
       rec.source_ip,
       rec.source_ip_text,
       rec.message_count,
       rec.disposition,
       rec.policy_dkim,
       rec.policy_spf,
       rec.dmarc_pass,
       rec.header_from,
       rec.envelope_from,
       rec.envelope_to
FROM aggregate_reports rep
JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id;

-- Per policy domain and day: reports, distinct sending sources, messages, DMARC pass/fail and the
-- policy applied, all counted in messages. none counts RFC 9990's disposition pass too (no action).
CREATE SQL SECURITY INVOKER VIEW v_domain_daily AS
SELECT rep.policy_domain,
       DATE(rep.date_begin) AS day,
       COUNT(DISTINCT rep.id) AS reports,
       COUNT(DISTINCT rec.source_ip_text) AS sources,
       COALESCE(SUM(rec.message_count), 0) AS messages,
       COALESCE(SUM(IF(rec.dmarc_pass, rec.message_count, 0)), 0) AS pass_messages,
       COALESCE(SUM(IF(rec.dmarc_pass, 0, rec.message_count)), 0) AS fail_messages,
       ROUND(100 * SUM(IF(rec.dmarc_pass, rec.message_count, 0)) / NULLIF(SUM(rec.message_count), 0), 2) AS pass_rate,
       COALESCE(SUM(IF(rec.disposition IN ('none', 'pass'), rec.message_count, 0)), 0) AS none_messages,
       COALESCE(SUM(IF(rec.disposition = 'quarantine', rec.message_count, 0)), 0) AS quarantine_messages,
       COALESCE(SUM(IF(rec.disposition = 'reject', rec.message_count, 0)), 0) AS reject_messages
FROM aggregate_reports rep
LEFT JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id
GROUP BY rep.policy_domain, DATE(rep.date_begin);

-- Per policy domain and sending source: who sends as the domain, and how much of it fails.
CREATE SQL SECURITY INVOKER VIEW v_domain_sources AS
SELECT rep.policy_domain,
       rec.source_ip,
       rec.source_ip_text,
       COUNT(DISTINCT rep.id) AS reports,
       SUM(rec.message_count) AS messages,
       SUM(IF(rec.dmarc_pass, rec.message_count, 0)) AS pass_messages,
       SUM(IF(rec.dmarc_pass, 0, rec.message_count)) AS fail_messages,
       MIN(rep.date_begin) AS first_seen,
       MAX(rep.date_end) AS last_seen
FROM aggregate_reports rep
JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id
GROUP BY rep.policy_domain, rec.source_ip, rec.source_ip_text;

-- Per policy domain and reporter: who reports on the domain, and about how many messages.
CREATE SQL SECURITY INVOKER VIEW v_domain_reporters AS
SELECT policy_domain,
       org_name,
       reporter_email,
       COUNT(*) AS reports,
       SUM(message_count) AS messages,
       MIN(date_begin) AS first_period,
       MAX(date_end) AS last_period
FROM aggregate_reports
GROUP BY policy_domain, org_name, reporter_email;

-- Failure reports with the time they refer to (Arrival-Date, else when the report was received).
CREATE SQL SECURITY INVOKER VIEW v_failure_reports AS
SELECT fr.id AS failure_report_id,
       fr.reported_domain,
       COALESCE(fr.arrival_time, msg.received_at) AS report_time,
       fr.kind,
       fr.feedback_type,
       fr.auth_failure,
       fr.identity_alignment,
       fr.source_ip,
       fr.source_ip_text,
       fr.original_mail_from,
       fr.dkim_domain,
       fr.dkim_selector,
       fr.spf_dns,
       fr.delivery_result,
       fr.message_subject,
       fr.message_from,
       fr.message_id,
       msg.id AS received_message_id,
       msg.received_at AS message_received_at,
       msg.dmarc_result AS message_dmarc_result
FROM failure_reports fr
JOIN received_messages msg ON msg.id = fr.received_message_id;

-- Failure reports per reported domain and day.
CREATE SQL SECURITY INVOKER VIEW v_failure_daily AS
SELECT reported_domain,
       DATE(report_time) AS day,
       COUNT(*) AS failure_reports
FROM v_failure_reports
GROUP BY reported_domain, DATE(report_time);

-- Received messages with what they contained.
CREATE SQL SECURITY INVOKER VIEW v_received_messages AS
SELECT msg.id AS received_message_id,
       msg.origin,
       msg.received_at,
       msg.message_id,
       msg.envelope_sender,
       msg.subject,
       msg.file_path,
       msg.dkim_result,
       msg.spf_result,
       msg.dmarc_result,
       SUM(c.content_type = 'aggregate' AND c.outcome = 'stored') AS aggregate_reports_stored,
       SUM(c.content_type = 'aggregate' AND c.outcome = 'duplicate') AS aggregate_reports_duplicate,
       SUM(c.content_type = 'failure' AND c.outcome = 'stored') AS failure_reports_stored,
       SUM(c.content_type = 'failure' AND c.outcome = 'duplicate') AS failure_reports_duplicate,
       SUM(c.content_type = 'rejected') AS rejected_inputs
FROM received_messages msg
LEFT JOIN received_message_contents c ON c.received_message_id = msg.id
GROUP BY msg.id, msg.origin, msg.received_at, msg.message_id, msg.envelope_sender, msg.subject, msg.file_path,
         msg.dkim_result, msg.spf_result, msg.dmarc_result;
