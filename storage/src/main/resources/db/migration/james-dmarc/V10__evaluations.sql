-- The sending side: each DMARC evaluation of an inbound message, kept for the aggregate (RFC 9990)
-- and failure (RFC 9991) reports this server sends. One row per message in `evaluations`, one per
-- evaluated Author Domain in `evaluation_domains` (what an aggregate report counts), every DKIM
-- result in `evaluation_dkim_results`, and what a failure report needs in `evaluation_failures`
-- (only when one is due). All times are UTC. README.md ("Evaluations (outbound side)") documents
-- every column and the query that builds report rows.

-- One row per evaluated message: who sent it, how it authenticated, DMARC's overall verdict.
CREATE TABLE evaluations (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'row id (the evaluation_id of the other tables), in storing order',
    record_id         VARCHAR(64)     COLLATE utf8mb4_bin NOT NULL
                                      COMMENT 'the evaluation record''s UUID: storing a replayed evaluation again is a no-op',
    evaluated_at      DATETIME(6)     NOT NULL,
    source_ip         INET6           NULL     COMMENT 'the SMTP client; IPv4 as IPv4-mapped (::ffff:192.0.2.1), like aggregate_records.source_ip',
    source_ip_text    VARCHAR(255)    NOT NULL COMMENT 'the address as text (192.0.2.1, 2001:db8::1)',
    helo              TEXT            NULL     COMMENT 'HELO/EHLO name',
    envelope_from     TEXT            NULL     COMMENT 'RFC5321.MailFrom domain; NULL for the null reverse-path',
    envelope_to       TEXT            NOT NULL COMMENT 'JSON array of the RCPT TO domains, each once, in order',
    message_id        TEXT            NULL     COMMENT 'Message-ID header as written',
    result            VARCHAR(16)     NOT NULL COMMENT 'the message''s DMARC result: pass, fail, none, temperror, permerror (the worst of its author domains)',
    disposition       VARCHAR(16)     NOT NULL COMMENT 'what was done: none, pass, quarantine, reject',
    explanation       TEXT            NOT NULL COMMENT 'the verdict in a sentence',
    spf_domain        TEXT            NULL     COMMENT 'SPF: the domain checked (MAIL FROM, or HELO); NULL when SPF was not checked',
    spf_scope         VARCHAR(64)     NULL     COMMENT 'mfrom or helo',
    spf_result        VARCHAR(64)     NULL     COMMENT 'none, neutral, pass, fail, softfail, temperror, permerror',
    spf_human_result  TEXT            NULL,
    auth_results      TEXT            NOT NULL COMMENT 'canonical JSON of every DKIM (domain, selector, result; sorted) and the SPF result: what aggregate records show',
    stored_at         DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT 'when it reached the database (later than evaluated_at after a spool replay)',
    PRIMARY KEY (id),
    UNIQUE KEY uq_evaluations_record_id (record_id),
    KEY ix_evaluations_evaluated_at (evaluated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='DMARC evaluations of inbound messages, one row per message';

-- One row per Author Domain of a message: its verdict, the policy as published when the message
-- arrived (never fetched again at sending time) and the aggregate report row it belongs to.
CREATE TABLE evaluation_domains (
    evaluation_id           BIGINT UNSIGNED NOT NULL,
    domain_no               SMALLINT UNSIGNED NOT NULL COMMENT '1, 2, ... in From order',
    evaluated_at            DATETIME(6)     NOT NULL COMMENT 'copied from evaluations, so that a report period is one index range',
    header_from             VARCHAR(255)    NOT NULL COMMENT 'the Author Domain (RFC5322.From domain, A-label, lower case)',
    result                  VARCHAR(16)     NOT NULL COMMENT 'pass, fail, none (no policy), temperror, permerror',
    explanation             TEXT            NOT NULL,
    policy_domain           VARCHAR(255)    NULL     COMMENT 'where the DMARC record was found; NULL when none applied (no aggregate report)',
    policy_record           TEXT            NULL     COMMENT 'the DMARC record as published',
    policy_adkim            VARCHAR(255)    NULL,
    policy_aspf             VARCHAR(255)    NULL,
    policy_p                VARCHAR(255)    NULL,
    policy_sp               VARCHAR(255)    NULL,
    policy_np               VARCHAR(255)    NULL,
    policy_pct              INT             NULL     COMMENT 'RFC 7489 only (historic in RFC 9989)',
    policy_fo               VARCHAR(255)    NULL,
    policy_testing          VARCHAR(255)    NULL     COMMENT 't= tag: y or n',
    policy_discovery_method VARCHAR(255)    NULL     COMMENT 'psl or treewalk',
    policy_psd              VARCHAR(255)    NULL     COMMENT 'psd= tag',
    policy_rua              TEXT            NULL     COMMENT 'JSON array of the aggregate report URIs, as published',
    policy_ruf              TEXT            NULL     COMMENT 'JSON array of the failure report URIs, as published',
    policy_hash             BINARY(32) AS (IF(policy_domain IS NULL, NULL, UNHEX(SHA2(CONCAT_WS(CHAR(0), policy_domain, policy_adkim,
                                policy_aspf, policy_p, policy_sp, IFNULL(policy_np, CHAR(1)), IFNULL(policy_pct, CHAR(1)),
                                IFNULL(policy_fo, CHAR(1)), IFNULL(policy_testing, CHAR(1)), IFNULL(policy_discovery_method, CHAR(1)),
                                IFNULL(policy_psd, CHAR(1))), 256)))) STORED
                                             COMMENT 'SHA-256 of the policy_published values: a policy change gives another report (RFC 9990)',
    disposition             VARCHAR(64)     NOT NULL COMMENT 'policy_evaluated: none, pass, quarantine, reject',
    policy_dkim             VARCHAR(64)     NULL     COMMENT 'policy_evaluated: the DMARC-aligned DKIM result, pass or fail',
    policy_spf              VARCHAR(64)     NULL     COMMENT 'policy_evaluated: the DMARC-aligned SPF result, pass or fail',
    override_reasons        TEXT            NOT NULL COMMENT 'JSON array of policy_evaluated reasons ({"type":...,"comment":...}); [] when none',
    aligned_dkim_domain     TEXT            NULL     COMMENT 'd= of the aligned DKIM signature',
    aligned_dkim_selector   TEXT            NULL,
    aligned_spf_domain      TEXT            NULL,
    identity_alignment      VARCHAR(16) AS (CASE WHEN policy_dkim = 'pass' AND policy_spf = 'pass' THEN 'dkim, spf'
                                                 WHEN policy_dkim = 'pass' THEN 'dkim'
                                                 WHEN policy_spf = 'pass' THEN 'spf'
                                                 ELSE 'none' END) VIRTUAL
                                             COMMENT 'RFC 9991 Identity-Alignment',
    failure_report_triggers VARCHAR(16)     NOT NULL COMMENT 'the fo options this message met (0, 1, d, s; comma separated); empty when no failure report is due',
    failure_report_state    VARCHAR(16)     NULL     COMMENT 'due when a failure report is owed; the failure reporter sets sent or suppressed; NULL when none is due',
    failure_reported_at     DATETIME(3)     NULL     COMMENT 'when failure_report_state last changed from due',
    aggregate_key           BINARY(32)      NOT NULL COMMENT 'what makes two messages one aggregate record: SHA-256 of source_ip_text, envelope_from, envelope_to, auth_results (of evaluations), header_from, disposition, policy_dkim, policy_spf, override_reasons (README: the exact formula)',
    aggregate_report_id     BIGINT UNSIGNED NULL     COMMENT 'set by the aggregate reporter: the report that counted this row',
    aggregate_reported_at   DATETIME(3)     NULL,
    PRIMARY KEY (evaluation_id, domain_no),
    KEY ix_evaluation_domains_policy_period (policy_domain, policy_hash, evaluated_at, aggregate_key),
    KEY ix_evaluation_domains_evaluated_at (evaluated_at, policy_domain, policy_hash, aggregate_report_id),
    KEY ix_evaluation_domains_failure_state (failure_report_state, evaluated_at),
    CONSTRAINT fk_evaluation_domains_evaluation FOREIGN KEY (evaluation_id) REFERENCES evaluations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='DMARC verdicts per author domain of evaluated messages, with the policy as published';

-- Every DKIM signature's result of an evaluated message, in header order.
CREATE TABLE evaluation_dkim_results (
    evaluation_id BIGINT UNSIGNED NOT NULL,
    result_no     SMALLINT UNSIGNED NOT NULL COMMENT '1, 2, ... in header order',
    domain        TEXT            NOT NULL COMMENT 'd= of the signature',
    selector      TEXT            NULL     COMMENT 's=',
    result        VARCHAR(64)     NOT NULL COMMENT 'none, pass, fail, policy, neutral, temperror, permerror',
    human_result  TEXT            NULL,
    PRIMARY KEY (evaluation_id, result_no),
    CONSTRAINT fk_evaluation_dkim_results_evaluation FOREIGN KEY (evaluation_id) REFERENCES evaluations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='DKIM results of evaluated messages';

-- What a failure report says about the message: only for evaluations that owe one.
CREATE TABLE evaluation_failures (
    evaluation_id      BIGINT UNSIGNED NOT NULL,
    original_mail_from TEXT            NULL     COMMENT 'Original-Mail-From; NULL for the null reverse-path',
    original_rcpt_to   TEXT            NOT NULL COMMENT 'JSON array of the RCPT TO addresses (Original-Rcpt-To)',
    arrival_date       DATETIME(6)     NOT NULL COMMENT 'Arrival-Date (UTC)',
    subject            MEDIUMTEXT      NULL     COMMENT 'Subject, encoded-words decoded',
    headers            MEDIUMTEXT      NOT NULL COMMENT 'the header section as received (text/rfc822-headers)',
    headers_truncated  BOOLEAN         NOT NULL COMMENT '1 when headers was cut at a line end to stay within 64K characters',
    PRIMARY KEY (evaluation_id),
    CONSTRAINT fk_evaluation_failures_evaluation FOREIGN KEY (evaluation_id) REFERENCES evaluations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='failure report details of evaluations that owe one';
