-- james-dmarc: the questions operators ask of the DMARC reports they received (MariaDB 10.6+).
--
-- Parameters are user variables. Set them first; NULL means "no filter":
--   SET @domain = 'example.com';            -- a policy domain (lower case), or NULL for every domain
--   SET @since  = '2026-05-01 00:00:00';    -- UTC, inclusive, or NULL
--   SET @until  = '2026-06-01 00:00:00';    -- UTC, exclusive, or NULL
-- then run any query below, e.g. in the mariadb client: SET @domain = NULL, @since = NULL, @until = NULL;
-- (@domain is compared as CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci, the tables' collation,
-- so that the queries work whatever the session's character set and collation.)
--
-- An aggregate report belongs to a period by the start of the time it covers (date_begin): reporters
-- send one report per domain and UTC day, so "since 1 May" means the reports about 1 May onwards.
-- A failure report belongs to its Arrival-Date, else to when it was received.
-- Messages are counted as the reports count them (the records' <count>). DMARC pass means the
-- policy_evaluated dkim or spf result is pass; everything else is a fail. Rates are percentages.
--
-- Format: each query begins with a "-- name: <name>" line, then comment lines that say what it answers;
-- it ends with ";". The dmarc tool, the HTTP API and the tests run these very queries by name.

-- name: domain_summary
-- Per policy domain: reports, sending sources (distinct IPs), messages, DMARC pass and fail by
-- messages, pass and fail rates, and the policy applied by messages. none also counts RFC 9990's
-- disposition "pass" (delivered with no policy action); other dispositions are in no column.
SELECT rep.policy_domain AS domain,
       COUNT(DISTINCT rep.id) AS reports,
       COUNT(DISTINCT rec.source_ip_text) AS sources,
       COALESCE(SUM(rec.message_count), 0) AS messages,
       COALESCE(SUM(IF(rec.dmarc_pass, rec.message_count, 0)), 0) AS pass_messages,
       COALESCE(SUM(IF(rec.dmarc_pass, 0, rec.message_count)), 0) AS fail_messages,
       ROUND(100 * SUM(IF(rec.dmarc_pass, rec.message_count, 0)) / NULLIF(SUM(rec.message_count), 0), 2) AS pass_rate,
       ROUND(100 * SUM(IF(rec.dmarc_pass, 0, rec.message_count)) / NULLIF(SUM(rec.message_count), 0), 2) AS fail_rate,
       COALESCE(SUM(IF(rec.disposition IN ('none', 'pass'), rec.message_count, 0)), 0) AS none,
       COALESCE(SUM(IF(rec.disposition = 'quarantine', rec.message_count, 0)), 0) AS quarantine,
       COALESCE(SUM(IF(rec.disposition = 'reject', rec.message_count, 0)), 0) AS reject
FROM aggregate_reports rep
LEFT JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id
WHERE (@domain IS NULL OR rep.policy_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR rep.date_begin >= @since)
  AND (@until IS NULL OR rep.date_begin < @until)
GROUP BY rep.policy_domain
ORDER BY messages DESC, domain;

-- name: daily_volume
-- Per policy domain and day: reports, messages, DMARC pass and fail by messages, pass rate. For trend charts.
SELECT rep.policy_domain AS domain,
       DATE(rep.date_begin) AS day,
       COUNT(DISTINCT rep.id) AS reports,
       COALESCE(SUM(rec.message_count), 0) AS messages,
       COALESCE(SUM(IF(rec.dmarc_pass, rec.message_count, 0)), 0) AS pass_messages,
       COALESCE(SUM(IF(rec.dmarc_pass, 0, rec.message_count)), 0) AS fail_messages,
       ROUND(100 * SUM(IF(rec.dmarc_pass, rec.message_count, 0)) / NULLIF(SUM(rec.message_count), 0), 2) AS pass_rate
FROM aggregate_reports rep
LEFT JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id
WHERE (@domain IS NULL OR rep.policy_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR rep.date_begin >= @since)
  AND (@until IS NULL OR rep.date_begin < @until)
GROUP BY rep.policy_domain, DATE(rep.date_begin)
ORDER BY domain, day;

-- name: policy_applied
-- Per policy domain and disposition as reported (none, quarantine, reject, pass, or anything else a
-- reporter wrote): messages. What receivers actually did with mail claiming to be from the domain.
SELECT rep.policy_domain AS domain,
       rec.disposition,
       SUM(rec.message_count) AS messages
FROM aggregate_reports rep
JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id
WHERE (@domain IS NULL OR rep.policy_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR rep.date_begin >= @since)
  AND (@until IS NULL OR rep.date_begin < @until)
GROUP BY rep.policy_domain, rec.disposition
ORDER BY domain, messages DESC, rec.disposition;

-- name: top_failing_sources
-- The 20 sending sources with the most DMARC-failing messages (with their domain): candidates for a
-- forgotten SPF include or DKIM key, or forgery. source_ip is the address, or the value as written
-- when a reporter's was not an IP. Filter on addresses with aggregate_records.source_ip (see README).
SELECT rep.policy_domain AS domain,
       rec.source_ip_text AS source_ip,
       SUM(IF(rec.dmarc_pass, 0, rec.message_count)) AS fail_messages,
       SUM(rec.message_count) AS messages,
       COUNT(DISTINCT rep.id) AS reports
FROM aggregate_reports rep
JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id
WHERE (@domain IS NULL OR rep.policy_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR rep.date_begin >= @since)
  AND (@until IS NULL OR rep.date_begin < @until)
GROUP BY rep.policy_domain, rec.source_ip_text
HAVING fail_messages > 0
ORDER BY fail_messages DESC, messages DESC, domain, source_ip
LIMIT 20;

-- name: authentication_breakdown
-- Per policy domain, by messages: DMARC passing through both aligned DKIM and SPF, through DKIM only,
-- through SPF only, or failing. DKIM-only passes often mean forwarding; SPF-only passes mean a
-- missing or broken DKIM signature.
SELECT rep.policy_domain AS domain,
       COALESCE(SUM(IF(rec.policy_dkim = 'pass' AND rec.policy_spf = 'pass', rec.message_count, 0)), 0) AS both_pass,
       COALESCE(SUM(IF(rec.policy_dkim = 'pass' AND NOT IFNULL(rec.policy_spf = 'pass', 0), rec.message_count, 0)), 0) AS dkim_only_pass,
       COALESCE(SUM(IF(rec.policy_spf = 'pass' AND NOT IFNULL(rec.policy_dkim = 'pass', 0), rec.message_count, 0)), 0) AS spf_only_pass,
       COALESCE(SUM(IF(rec.dmarc_pass, 0, rec.message_count)), 0) AS fail_messages,
       COALESCE(SUM(rec.message_count), 0) AS messages
FROM aggregate_reports rep
JOIN aggregate_records rec ON rec.aggregate_report_id = rep.id
WHERE (@domain IS NULL OR rep.policy_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR rep.date_begin >= @since)
  AND (@until IS NULL OR rep.date_begin < @until)
GROUP BY rep.policy_domain
ORDER BY domain;

-- name: reporters
-- Per policy domain and reporting organisation: reports and messages, and the periods they cover.
SELECT rep.policy_domain AS domain,
       rep.org_name AS reporter,
       rep.reporter_email,
       COUNT(*) AS reports,
       SUM(rep.message_count) AS messages,
       MIN(rep.date_begin) AS first_period,
       MAX(rep.date_end) AS last_period
FROM aggregate_reports rep
WHERE (@domain IS NULL OR rep.policy_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR rep.date_begin >= @since)
  AND (@until IS NULL OR rep.date_begin < @until)
GROUP BY rep.policy_domain, rep.org_name, rep.reporter_email
ORDER BY domain, reports DESC, reporter, rep.reporter_email;

-- name: unauthenticated_reports
-- Aggregate reports whose delivering mail did not pass DMARC as James saw it (or was not checked):
-- they could be forged. Imported files show as message_origin 'file' with no results.
SELECT rep.id AS aggregate_report_id,
       rep.policy_domain AS domain,
       rep.org_name AS reporter,
       rep.report_id,
       rep.date_begin,
       msg.origin AS message_origin,
       msg.envelope_sender,
       msg.dkim_result,
       msg.spf_result,
       msg.dmarc_result
FROM aggregate_reports rep
JOIN received_messages msg ON msg.id = rep.received_message_id
WHERE NOT IFNULL(msg.dmarc_result = 'pass', 0)
  AND (@domain IS NULL OR rep.policy_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR rep.date_begin >= @since)
  AND (@until IS NULL OR rep.date_begin < @until)
ORDER BY rep.date_begin, rep.id;

-- name: failure_reports_per_day
-- Failure (ruf) reports per reported domain and day (Arrival-Date, else the day they were received).
SELECT fr.reported_domain AS domain,
       DATE(COALESCE(fr.arrival_time, msg.received_at)) AS day,
       COUNT(*) AS failure_reports
FROM failure_reports fr
JOIN received_messages msg ON msg.id = fr.received_message_id
WHERE (@domain IS NULL OR fr.reported_domain = CONVERT(@domain USING utf8mb4) COLLATE utf8mb4_unicode_ci)
  AND (@since IS NULL OR COALESCE(fr.arrival_time, msg.received_at) >= @since)
  AND (@until IS NULL OR COALESCE(fr.arrival_time, msg.received_at) < @until)
GROUP BY fr.reported_domain, DATE(COALESCE(fr.arrival_time, msg.received_at))
ORDER BY domain, day;

-- name: rejected_inputs
-- Inputs that could not be read as reports, newest first, with the problem and the reason; the
-- bytes are in rejected_input_chunks (SELECT UNCOMPRESS(data) ... ORDER BY chunk_no). No domain filter:
-- an unreadable input names no domain.
SELECT ri.id AS rejected_input_id,
       ri.rejected_at,
       ri.problem,
       ri.reason,
       ri.location,
       ri.size_bytes,
       msg.origin AS message_origin,
       msg.message_id,
       msg.file_path
FROM rejected_inputs ri
JOIN received_messages msg ON msg.id = ri.received_message_id
WHERE (@since IS NULL OR ri.rejected_at >= @since)
  AND (@until IS NULL OR ri.rejected_at < @until)
ORDER BY ri.rejected_at DESC, ri.id DESC;
