-- The aggregate reports (RFC 9990) this server sends: one row per policy domain, policy configuration and
-- period, written before the report is sent. The row is the claim that makes several James nodes on one
-- database send each report exactly once (a unique key and an atomic INSERT, or an UPDATE that takes over
-- only an expired lease or a failed attempt due again), and what a re-send needs to keep the report's id and
-- file name. evaluation_domains.aggregate_report_id points here. README.md ("Outbound aggregate reports").
CREATE TABLE outbound_aggregate_reports (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'the evaluation_domains.aggregate_report_id of the rows the report counted',
    policy_domain    VARCHAR(255)    NOT NULL COMMENT 'the report''s policy domain (lower case, A-labels)',
    policy_hash      BINARY(32)      NOT NULL COMMENT 'evaluation_domains.policy_hash: the policy configuration (one report each, RFC 9990)',
    period_begin     DATETIME        NOT NULL COMMENT 'first second of the period (UTC, aligned to the frequency)',
    period_end       DATETIME        NOT NULL COMMENT 'end of the period, excluded',
    state            VARCHAR(16)     NOT NULL COMMENT 'claimed (being built), sending (handed to James), sent, failed (tried again at next_attempt_at), undeliverable (no verified destination)',
    claim_owner      VARCHAR(255)    NULL     COMMENT 'the reporter holding the claim (host, process, mailet)',
    lease_until      DATETIME(3)     NULL     COMMENT 'a claimed or sending row whose lease expired is taken over by another reporter',
    attempts         INT UNSIGNED    NOT NULL DEFAULT 0 COMMENT 'attempts that failed',
    next_attempt_at  DATETIME(3)     NOT NULL COMMENT 'when a failed report is tried again (back-off)',
    report_id        VARCHAR(255)    COLLATE utf8mb4_bin NOT NULL COMMENT 'the report_id of the first part; a split report''s other parts are report_id-2, -3...; kept by a re-send',
    file_name        VARCHAR(1024)   NULL     COMMENT 'receiver!policy-domain!begin!end!report_id.xml.gz of the first part',
    parts            INT UNSIGNED    NULL     COMMENT 'reports the period''s records were split into (size limit)',
    records          INT UNSIGNED    NULL     COMMENT '<record> elements, all parts',
    messages         BIGINT UNSIGNED NULL     COMMENT 'messages counted, all parts',
    xml_bytes        BIGINT UNSIGNED NULL     COMMENT 'size of the XML, all parts, before gzip',
    gzip_bytes       BIGINT UNSIGNED NULL     COMMENT 'size of the gzipped files, all parts',
    destinations     TEXT            NULL     COMMENT 'JSON array: each rua URI, its verification status (INTERNAL, AUTHORISED, NOT_AUTHORISED, IGNORED, TEMPERROR), mailboxes, detail',
    last_error       TEXT            NULL     COMMENT 'why the last attempt failed',
    created_at       DATETIME(3)     NOT NULL,
    updated_at       DATETIME(3)     NOT NULL,
    sent_at          DATETIME(3)     NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_outbound_aggregate_reports_key (policy_domain, policy_hash, period_begin, period_end),
    UNIQUE KEY uq_outbound_aggregate_reports_report_id (report_id),
    KEY ix_outbound_aggregate_reports_state (state, next_attempt_at),
    KEY ix_outbound_aggregate_reports_period (period_begin)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='aggregate reports this server sends: claims, state, ids kept for re-sends';
