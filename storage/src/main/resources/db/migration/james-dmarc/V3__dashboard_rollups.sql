-- Summary tables for the HTTP API and dashboard: a domain's figures over a period in milliseconds,
-- however many records it has. They are kept by whoever serves them, not by the store: dmarc serve adds
-- each stored report once (reporting/DashboardSummaries.java, the same statements as the backfill at the
-- end of this file) and marks it summarized; storing reports (James, dmarc import) costs nothing more.
-- A report counts on the UTC day its period begins (date_begin), as in the views and queries.sql.
-- Messages are the records' counts; pass = policy_evaluated dkim or spf is pass (aggregate_records.dmarc_pass).

-- Every sending source ever reported: a small number standing for an address, so that summing a
-- domain's sources over a period compares integers, not text.
CREATE TABLE aggregate_sources (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    source_ip_text VARCHAR(255)    NOT NULL COMMENT 'as aggregate_records.source_ip_text (same collation: the same sources as the views count)',
    source_ip      INET6           NULL     COMMENT 'as aggregate_records.source_ip',
    PRIMARY KEY (id),
    UNIQUE KEY uq_aggregate_sources_text (source_ip_text),
    KEY ix_aggregate_sources_ip (source_ip)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='sending sources of aggregate records, numbered';

-- Per report and source: its records summed. Rows belong to their report alone, so storing two
-- reports at once never contends here.
CREATE TABLE aggregate_report_sources (
    aggregate_report_id BIGINT UNSIGNED NOT NULL,
    source_id           BIGINT UNSIGNED NOT NULL,
    policy_domain       VARCHAR(255)    NOT NULL COMMENT 'the report''s, so that a source''s reports of a domain and period are found by index',
    day                 DATE            NOT NULL COMMENT 'the report''s: DATE(date_begin)',
    records             INT UNSIGNED    NOT NULL,
    fail_records        INT UNSIGNED    NOT NULL COMMENT 'records that did not pass DMARC',
    messages            BIGINT          NOT NULL,
    pass_messages       BIGINT          NOT NULL COMMENT 'DMARC pass: policy_evaluated dkim or spf is pass',
    dkim_aligned        BIGINT          NOT NULL COMMENT 'messages whose policy_evaluated dkim is pass (aligned DKIM pass)',
    spf_aligned         BIGINT          NOT NULL COMMENT 'messages whose policy_evaluated spf is pass (aligned SPF pass)',
    dkim_pass           BIGINT          NOT NULL COMMENT 'messages with at least one DKIM signature passing, aligned or not',
    spf_pass            BIGINT          NOT NULL COMMENT 'messages whose SPF check (mfrom, or unscoped) passed, aligned or not',
    none_messages       BIGINT          NOT NULL COMMENT 'disposition none (or RFC 9990 pass)',
    quarantine_messages BIGINT          NOT NULL,
    reject_messages     BIGINT          NOT NULL,
    PRIMARY KEY (aggregate_report_id, source_id),
    -- who reported a source in a domain's period, read from the index alone (it holds the report id too)
    KEY ix_aggregate_report_sources_source (source_id, policy_domain, day, messages),
    -- no foreign key to aggregate_sources: it would need an index of its own on source_id, written for every row
    CONSTRAINT fk_aggregate_report_sources_report FOREIGN KEY (aggregate_report_id) REFERENCES aggregate_reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='aggregate records summed per report and sending source';

-- Per policy domain and sending source, summed over aligned spans of 1, 3, 9, 27 and 81 days (a span
-- of N days starts on a day whose TO_DAYS() is a multiple of N). A period is cut into the fewest
-- whole spans, so the sources of 30 days read 4 to 8 spans' rows instead of 30 days' rows (powers
-- of three: of the schemes of four or five span lengths, the fewest rows for the worst 30-day cut).
CREATE TABLE aggregate_source_spans (
    policy_domain       VARCHAR(255)     NOT NULL,
    span_days           TINYINT UNSIGNED NOT NULL COMMENT '1, 3, 9, 27 or 81',
    span_start          DATE             NOT NULL,
    source_id           BIGINT UNSIGNED  NOT NULL,
    reports             INT UNSIGNED     NOT NULL,
    records             INT UNSIGNED     NOT NULL,
    messages            BIGINT           NOT NULL,
    pass_messages       BIGINT           NOT NULL,
    dkim_aligned        BIGINT           NOT NULL,
    spf_aligned         BIGINT           NOT NULL,
    dkim_pass           BIGINT           NOT NULL,
    spf_pass            BIGINT           NOT NULL,
    none_messages       BIGINT           NOT NULL,
    quarantine_messages BIGINT           NOT NULL,
    reject_messages     BIGINT           NOT NULL,
    PRIMARY KEY (policy_domain, span_days, span_start, source_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='aggregate records summed per policy domain, sending source and span of days';

-- Per policy domain and day: the figures of the whole day, for summaries and daily series.
CREATE TABLE aggregate_daily_totals (
    policy_domain       VARCHAR(255) NOT NULL,
    day                 DATE         NOT NULL,
    reports             INT UNSIGNED NOT NULL,
    records             BIGINT       NOT NULL,
    fail_records        BIGINT       NOT NULL,
    messages            BIGINT       NOT NULL,
    pass_messages       BIGINT       NOT NULL,
    none_messages       BIGINT       NOT NULL,
    quarantine_messages BIGINT       NOT NULL,
    reject_messages     BIGINT       NOT NULL,
    PRIMARY KEY (policy_domain, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='aggregate reports summed per policy domain and day';

-- The reports list (newest first, by reporter) and failing records (newest first) of a domain.
ALTER TABLE aggregate_reports
    ADD COLUMN fail_record_count INT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'records that did not pass DMARC (set when summarized)' AFTER dmarc_pass_count,
    ADD COLUMN summarized BOOLEAN NOT NULL DEFAULT 0 COMMENT '1 once the report is in the dashboard summaries' AFTER stored_at,
    ADD INDEX ix_aggregate_reports_domain_reporter (policy_domain, org_name, date_begin),
    ADD INDEX ix_aggregate_reports_summarized (summarized, id);

-- Backfill from the reports stored so far.
INSERT INTO aggregate_sources (source_ip_text, source_ip)
SELECT source_ip_text, MIN(source_ip) FROM aggregate_records GROUP BY source_ip_text;

INSERT INTO aggregate_report_sources (aggregate_report_id, source_id, policy_domain, day, records, fail_records, messages, pass_messages,
                                      dkim_aligned, spf_aligned, dkim_pass, spf_pass,
                                      none_messages, quarantine_messages, reject_messages)
SELECT rec.aggregate_report_id, src.id, MIN(rep.policy_domain), DATE(MIN(rep.date_begin)),
       COUNT(*),
       SUM(NOT rec.dmarc_pass),
       SUM(rec.message_count),
       SUM(IF(rec.dmarc_pass, rec.message_count, 0)),
       SUM(IF(IFNULL(rec.policy_dkim = 'pass', 0), rec.message_count, 0)),
       SUM(IF(IFNULL(rec.policy_spf = 'pass', 0), rec.message_count, 0)),
       SUM(IF(EXISTS (SELECT 1 FROM aggregate_dkim_results d WHERE d.aggregate_report_id = rec.aggregate_report_id
                      AND d.record_no = rec.record_no AND d.result = 'pass'), rec.message_count, 0)),
       SUM(IF(EXISTS (SELECT 1 FROM aggregate_spf_results s WHERE s.aggregate_report_id = rec.aggregate_report_id
                      AND s.record_no = rec.record_no AND s.result = 'pass' AND IFNULL(s.scope <> 'helo', 1)), rec.message_count, 0)),
       SUM(IF(rec.disposition IN ('none', 'pass'), rec.message_count, 0)),
       SUM(IF(rec.disposition = 'quarantine', rec.message_count, 0)),
       SUM(IF(rec.disposition = 'reject', rec.message_count, 0))
FROM aggregate_records rec
JOIN aggregate_reports rep ON rep.id = rec.aggregate_report_id
JOIN aggregate_sources src ON src.source_ip_text = rec.source_ip_text
GROUP BY rec.aggregate_report_id, src.id;

UPDATE aggregate_reports rep
JOIN (SELECT aggregate_report_id, SUM(fail_records) AS fail_records FROM aggregate_report_sources GROUP BY aggregate_report_id) t
  ON t.aggregate_report_id = rep.id
SET rep.fail_record_count = t.fail_records;

INSERT INTO aggregate_source_spans (policy_domain, span_days, span_start, source_id, reports, records, messages, pass_messages,
                                    dkim_aligned, spf_aligned, dkim_pass, spf_pass,
                                    none_messages, quarantine_messages, reject_messages)
SELECT rep.policy_domain, span.days, FROM_DAYS(TO_DAYS(rep.date_begin) - MOD(TO_DAYS(rep.date_begin), span.days)), ars.source_id,
       COUNT(*), SUM(ars.records), SUM(ars.messages), SUM(ars.pass_messages),
       SUM(ars.dkim_aligned), SUM(ars.spf_aligned), SUM(ars.dkim_pass), SUM(ars.spf_pass),
       SUM(ars.none_messages), SUM(ars.quarantine_messages), SUM(ars.reject_messages)
FROM aggregate_report_sources ars
JOIN aggregate_reports rep ON rep.id = ars.aggregate_report_id
JOIN (SELECT 1 AS days UNION ALL SELECT 3 UNION ALL SELECT 9 UNION ALL SELECT 27 UNION ALL SELECT 81) span
GROUP BY rep.policy_domain, span.days, FROM_DAYS(TO_DAYS(rep.date_begin) - MOD(TO_DAYS(rep.date_begin), span.days)), ars.source_id;

INSERT INTO aggregate_daily_totals (policy_domain, day, reports, records, fail_records, messages, pass_messages,
                                    none_messages, quarantine_messages, reject_messages)
SELECT rep.policy_domain, DATE(rep.date_begin), COUNT(*), SUM(IFNULL(t.records, 0)), SUM(IFNULL(t.fail_records, 0)),
       SUM(IFNULL(t.messages, 0)), SUM(IFNULL(t.pass_messages, 0)), SUM(IFNULL(t.none_messages, 0)),
       SUM(IFNULL(t.quarantine_messages, 0)), SUM(IFNULL(t.reject_messages, 0))
FROM aggregate_reports rep
LEFT JOIN (SELECT aggregate_report_id, SUM(records) AS records, SUM(fail_records) AS fail_records, SUM(messages) AS messages,
                  SUM(pass_messages) AS pass_messages, SUM(none_messages) AS none_messages,
                  SUM(quarantine_messages) AS quarantine_messages, SUM(reject_messages) AS reject_messages
           FROM aggregate_report_sources GROUP BY aggregate_report_id) t ON t.aggregate_report_id = rep.id
GROUP BY rep.policy_domain, DATE(rep.date_begin);

UPDATE aggregate_reports SET summarized = 1;
