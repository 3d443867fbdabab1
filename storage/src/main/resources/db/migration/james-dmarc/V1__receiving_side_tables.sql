-- The receiving side: the mails (or imported files) that carried DMARC reports, the aggregate and
-- failure reports found in them, and the inputs that could not be read.
-- All times are UTC. Text is utf8mb4 throughout. README.md ("## Schema") documents every column.

-- One row per received mail or imported file that carried reports (or was meant to).
CREATE TABLE received_messages (
    id                     BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    origin                 VARCHAR(8)      NOT NULL COMMENT 'mail (received by James) or file (dmarc import)',
    origin_key             TEXT            NOT NULL COMMENT 'mail: the James mail name; file: path#sha256=content hash',
    origin_key_hash        BINARY(32) AS (UNHEX(SHA2(CONCAT(origin, CHAR(0), origin_key), 256))) STORED
                                                    COMMENT 'makes recording the same message twice (a retried mail, a re-imported file) a no-op',
    received_at            DATETIME(3)     NOT NULL,
    message_id             VARCHAR(998)    NULL     COMMENT 'Message-ID header',
    envelope_sender        TEXT            NULL     COMMENT 'SMTP MAIL FROM',
    recipients             TEXT            NULL     COMMENT 'SMTP RCPT TO addresses, comma separated',
    from_header            TEXT            NULL,
    subject                TEXT            NULL,
    remote_address         VARCHAR(255)    NULL     COMMENT 'IP address of the SMTP client James received the mail from',
    file_path              TEXT            NULL     COMMENT 'imported file',
    size_bytes             BIGINT          NULL,
    dkim_result            VARCHAR(32)     NULL     COMMENT 'the mail''s own DKIM verification as James saw it (pass, fail, none...)',
    dkim_domain            VARCHAR(255)    NULL     COMMENT 'd= of the DKIM signature that result is about',
    spf_result             VARCHAR(32)     NULL     COMMENT 'the mail''s own SPF check as James saw it',
    spf_domain             VARCHAR(255)    NULL,
    dmarc_result           VARCHAR(32)     NULL     COMMENT 'the mail''s own DMARC result, where evaluated: pass means the report''s sender is authenticated',
    authentication_results TEXT            NULL     COMMENT 'a trusted Authentication-Results header, as written',
    PRIMARY KEY (id),
    UNIQUE KEY uq_received_messages_origin (origin_key_hash),
    KEY ix_received_messages_received_at (received_at),
    KEY ix_received_messages_message_id (message_id(191))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='mails and files that carried DMARC reports';

-- One row per aggregate (rua) report, stored once however many times it arrives.
CREATE TABLE aggregate_reports (
    id                      BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    received_message_id     BIGINT UNSIGNED NOT NULL COMMENT 'the message that first delivered the report',
    org_name                VARCHAR(255)    NOT NULL COMMENT 'reporting organisation (may be empty)',
    reporter_email          VARCHAR(320)    NOT NULL COMMENT 'reporter''s contact address (may be empty)',
    extra_contact_info      TEXT            NULL,
    report_id               VARCHAR(255)    NOT NULL COMMENT 'the reporter''s report id, exactly as written',
    date_begin              DATETIME        NOT NULL COMMENT 'start of the period the report covers (UTC)',
    date_end                DATETIME        NOT NULL COMMENT 'end of the period the report covers (UTC)',
    policy_domain           VARCHAR(255)    NOT NULL COMMENT 'policy_published domain, lower case, no trailing dot',
    policy_adkim            VARCHAR(64)     NOT NULL,
    policy_aspf             VARCHAR(64)     NOT NULL,
    policy_p                VARCHAR(64)     NOT NULL,
    policy_sp               VARCHAR(64)     NOT NULL,
    policy_np               VARCHAR(64)     NULL     COMMENT 'RFC 9990',
    policy_pct              INT             NULL     COMMENT 'RFC 7489 only',
    policy_fo               VARCHAR(255)    NULL,
    policy_testing          VARCHAR(64)     NULL     COMMENT 'RFC 9990 (t= tag)',
    policy_discovery_method VARCHAR(64)     NULL     COMMENT 'RFC 9990: psl or treewalk',
    policy_psd              VARCHAR(64)     NULL     COMMENT 'RFC 9989 psd= tag',
    format                  VARCHAR(16)     NOT NULL COMMENT 'rfc7489 or rfc9990',
    version                 VARCHAR(64)     NULL     COMMENT '<version> as written',
    generator               TEXT            NULL     COMMENT 'RFC 9990 <generator>',
    errors                  JSON            NOT NULL COMMENT 'JSON array of the <error> texts',
    extensions              JSON            NOT NULL COMMENT 'JSON array of report-level <extension> elements, raw XML',
    parse_warnings          JSON            NOT NULL COMMENT 'JSON array: what the reader tolerated, each saying where',
    record_count            INT UNSIGNED    NOT NULL DEFAULT 0,
    message_count           BIGINT          NOT NULL DEFAULT 0 COMMENT 'sum of the records'' counts',
    dmarc_pass_count        BIGINT          NOT NULL DEFAULT 0 COMMENT 'sum of the counts of records whose policy_evaluated dkim or spf is pass',
    source_location         TEXT            NULL     COMMENT 'where in the message the report was found',
    stored_at               DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    report_key              BINARY(32) AS (UNHEX(SHA2(CONCAT_WS(CHAR(0), org_name, reporter_email, report_id, policy_domain,
                                                                   date_begin, date_end), 256))) STORED
                                                     COMMENT 'the deduplication key: a report is stored once per reporter, id, domain and period',
    PRIMARY KEY (id),
    UNIQUE KEY uq_aggregate_reports_key (report_key),
    KEY ix_aggregate_reports_domain_period (policy_domain, date_begin),
    KEY ix_aggregate_reports_reporter (org_name, date_begin),
    CONSTRAINT fk_aggregate_reports_message FOREIGN KEY (received_message_id) REFERENCES received_messages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='aggregate (rua) reports, one row per report';

-- One row per <record>: a count of messages sharing a source IP, evaluation and identifiers.
CREATE TABLE aggregate_records (
    aggregate_report_id BIGINT UNSIGNED NOT NULL,
    record_no           INT UNSIGNED    NOT NULL COMMENT '1, 2, ... in report order',
    source_ip           INET6           NULL     COMMENT 'the address; IPv4 as IPv4-mapped (::ffff:192.0.2.1) so v4 and v6 sort and filter in one column; NULL when not an IP',
    source_ip_text      VARCHAR(255)    NOT NULL COMMENT 'the address as text (192.0.2.1, 2001:db8::1), or the value as written when it is not an IP',
    message_count       BIGINT          NOT NULL COMMENT '<count>',
    disposition         VARCHAR(64)     NOT NULL COMMENT 'policy applied: none, quarantine, reject (RFC 9990 also pass)',
    policy_dkim         VARCHAR(64)     NULL     COMMENT 'policy_evaluated dkim: the DMARC-aligned DKIM result',
    policy_spf          VARCHAR(64)     NULL     COMMENT 'policy_evaluated spf: the DMARC-aligned SPF result',
    dmarc_pass          BOOLEAN AS (IFNULL(policy_dkim = 'pass', 0) OR IFNULL(policy_spf = 'pass', 0)) STORED
                                                 COMMENT '1 when policy_evaluated dkim or spf is pass',
    header_from         VARCHAR(255)    NULL,
    envelope_from       VARCHAR(255)    NULL,
    envelope_to         VARCHAR(255)    NULL,
    extensions          JSON            NULL     COMMENT 'JSON array of record-level extension elements, raw XML; NULL when none',
    PRIMARY KEY (aggregate_report_id, record_no),
    KEY ix_aggregate_records_source_ip (source_ip),
    CONSTRAINT fk_aggregate_records_report FOREIGN KEY (aggregate_report_id) REFERENCES aggregate_reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='the records of aggregate reports';

-- Every DKIM result of a record (auth_results/dkim), in report order.
CREATE TABLE aggregate_dkim_results (
    aggregate_report_id BIGINT UNSIGNED NOT NULL,
    record_no           INT UNSIGNED    NOT NULL,
    result_no           SMALLINT UNSIGNED NOT NULL COMMENT '1, 2, ... in report order',
    domain              VARCHAR(255)    NOT NULL COMMENT 'd= of the signature',
    selector            VARCHAR(255)    NULL     COMMENT 's= (missing in some reports)',
    result              VARCHAR(64)     NOT NULL COMMENT 'none, pass, fail, policy, neutral, temperror, permerror, or as written',
    human_result        TEXT            NULL,
    PRIMARY KEY (aggregate_report_id, record_no, result_no),
    CONSTRAINT fk_aggregate_dkim_results_record FOREIGN KEY (aggregate_report_id, record_no)
        REFERENCES aggregate_records (aggregate_report_id, record_no) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='DKIM results of aggregate report records';

-- Every SPF result of a record (auth_results/spf), in report order.
CREATE TABLE aggregate_spf_results (
    aggregate_report_id BIGINT UNSIGNED NOT NULL,
    record_no           INT UNSIGNED    NOT NULL,
    result_no           SMALLINT UNSIGNED NOT NULL,
    domain              VARCHAR(255)    NOT NULL,
    scope               VARCHAR(64)     NULL     COMMENT 'mfrom or helo',
    result              VARCHAR(64)     NOT NULL COMMENT 'none, neutral, pass, fail, softfail, temperror, permerror, or as written',
    human_result        TEXT            NULL,
    PRIMARY KEY (aggregate_report_id, record_no, result_no),
    CONSTRAINT fk_aggregate_spf_results_record FOREIGN KEY (aggregate_report_id, record_no)
        REFERENCES aggregate_records (aggregate_report_id, record_no) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='SPF results of aggregate report records';

-- Why a record's disposition differs from the published policy (policy_evaluated/reason).
CREATE TABLE aggregate_override_reasons (
    aggregate_report_id BIGINT UNSIGNED NOT NULL,
    record_no           INT UNSIGNED    NOT NULL,
    reason_no           SMALLINT UNSIGNED NOT NULL,
    type                VARCHAR(64)     NOT NULL COMMENT 'forwarded, sampled_out, trusted_forwarder, mailing_list, local_policy, policy_test_mode, other, or as written',
    comment             TEXT            NULL,
    PRIMARY KEY (aggregate_report_id, record_no, reason_no),
    CONSTRAINT fk_aggregate_override_reasons_record FOREIGN KEY (aggregate_report_id, record_no)
        REFERENCES aggregate_records (aggregate_report_id, record_no) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='policy override reasons of aggregate report records';

-- One row per failure (ruf) report, stored once however many times it arrives.
CREATE TABLE failure_reports (
    id                     BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    received_message_id    BIGINT UNSIGNED NOT NULL COMMENT 'the message that first delivered the report',
    content_hash           BINARY(32)      NOT NULL COMMENT 'SHA-256 of the normalised report (fields and reported headers): the deduplication key',
    kind                   VARCHAR(32)     NOT NULL COMMENT 'afrf (message/feedback-report) or plain_text_notice',
    feedback_type          VARCHAR(64)     NULL,
    user_agent             TEXT            NULL,
    version                VARCHAR(64)     NULL,
    auth_failure           VARCHAR(255)    NULL     COMMENT 'Auth-Failure: dmarc, dkim, spf...',
    identity_alignment     VARCHAR(255)    NULL     COMMENT 'Identity-Alignment: none, dkim, spf, dkim,spf',
    original_mail_from     TEXT            NULL,
    original_rcpt_to       JSON            NOT NULL COMMENT 'JSON array',
    arrival_date           TEXT            NULL     COMMENT 'Arrival-Date as written',
    arrival_time           DATETIME        NULL     COMMENT 'Arrival-Date parsed (UTC)',
    source_ip              INET6           NULL     COMMENT 'IPv4 as IPv4-mapped, like aggregate_records.source_ip',
    source_ip_text         VARCHAR(255)    NULL     COMMENT 'Source-IP as written',
    reported_domain        VARCHAR(255)    NULL     COMMENT 'Reported-Domain, lower case',
    reported_uri           JSON            NOT NULL COMMENT 'JSON array',
    dkim_domain            VARCHAR(255)    NULL,
    dkim_identity          TEXT            NULL,
    dkim_selector          VARCHAR(255)    NULL,
    spf_dns                TEXT            NULL,
    delivery_result        VARCHAR(64)     NULL,
    authentication_results JSON            NOT NULL COMMENT 'JSON array of the Authentication-Results fields',
    message_subject        TEXT            NULL     COMMENT 'the reported message: Subject',
    message_from           TEXT            NULL,
    message_to             TEXT            NULL,
    message_id             TEXT            NULL     COMMENT 'the reported message''s Message-ID',
    message_date           TEXT            NULL,
    message_headers        MEDIUMTEXT      NULL     COMMENT 'the reported message''s header block as included',
    message_complete       BOOLEAN         NULL     COMMENT '1 when the whole message was included, 0 when only its headers',
    stored_at              DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_failure_reports_content (content_hash),
    KEY ix_failure_reports_domain_time (reported_domain, arrival_time),
    KEY ix_failure_reports_source_ip (source_ip),
    CONSTRAINT fk_failure_reports_message FOREIGN KEY (received_message_id) REFERENCES received_messages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='failure (ruf) reports';

-- Every field of a failure report's feedback part, in order and as written, unknown ones included.
CREATE TABLE failure_report_fields (
    failure_report_id BIGINT UNSIGNED  NOT NULL,
    field_no          SMALLINT UNSIGNED NOT NULL,
    name              VARCHAR(255)     NOT NULL,
    value             TEXT             NOT NULL,
    PRIMARY KEY (failure_report_id, field_no),
    CONSTRAINT fk_failure_report_fields_report FOREIGN KEY (failure_report_id) REFERENCES failure_reports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='all fields of failure reports, as written';

-- Inputs that could not be read as a report: kept with the reason, nothing is lost.
CREATE TABLE rejected_inputs (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    received_message_id BIGINT UNSIGNED NOT NULL,
    location            TEXT            NULL     COMMENT 'where in the message (message, part 2 > gzip, ...)',
    problem             VARCHAR(32)     NOT NULL COMMENT 'EMPTY_INPUT, MALFORMED_XML, NOT_A_REPORT, CORRUPT_CONTAINER, NO_REPORT_FOUND, LIMIT_EXCEEDED',
    reason              TEXT            NOT NULL COMMENT 'what is wrong and where, in words',
    size_bytes          BIGINT          NOT NULL,
    content_sha256      BINARY(32)      NOT NULL,
    rejected_at         DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_rejected_inputs_content (received_message_id, content_sha256),
    KEY ix_rejected_inputs_rejected_at (rejected_at),
    CONSTRAINT fk_rejected_inputs_message FOREIGN KEY (received_message_id) REFERENCES received_messages (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='inputs that could not be read as reports';

-- The raw bytes of a rejected input in pieces of at most 1 MiB, each in MariaDB's COMPRESS() format:
-- SELECT UNCOMPRESS(data) FROM rejected_input_chunks WHERE rejected_input_id = ? ORDER BY chunk_no
CREATE TABLE rejected_input_chunks (
    rejected_input_id BIGINT UNSIGNED NOT NULL,
    chunk_no          INT UNSIGNED    NOT NULL,
    data              MEDIUMBLOB      NOT NULL COMMENT 'COMPRESS() format: UNCOMPRESS(data) gives the bytes',
    PRIMARY KEY (rejected_input_id, chunk_no),
    CONSTRAINT fk_rejected_input_chunks_input FOREIGN KEY (rejected_input_id) REFERENCES rejected_inputs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='raw bytes of rejected inputs, compressed';

-- What each received message contained and what became of it: a message carrying three reports has
-- three rows, whether each report was new (stored) or had arrived before (duplicate).
CREATE TABLE received_message_contents (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    received_message_id BIGINT UNSIGNED NOT NULL,
    content_type        VARCHAR(16)     NOT NULL COMMENT 'aggregate, failure or rejected',
    aggregate_report_id BIGINT UNSIGNED NULL,
    failure_report_id   BIGINT UNSIGNED NULL,
    rejected_input_id   BIGINT UNSIGNED NULL,
    outcome             VARCHAR(16)     NOT NULL COMMENT 'stored (first arrival) or duplicate (stored before)',
    location            TEXT            NULL     COMMENT 'where in the message',
    handled_at          DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_received_message_contents_aggregate (received_message_id, aggregate_report_id),
    UNIQUE KEY uq_received_message_contents_failure (received_message_id, failure_report_id),
    UNIQUE KEY uq_received_message_contents_rejected (received_message_id, rejected_input_id),
    CONSTRAINT fk_received_message_contents_message FOREIGN KEY (received_message_id) REFERENCES received_messages (id),
    CONSTRAINT fk_received_message_contents_aggregate FOREIGN KEY (aggregate_report_id) REFERENCES aggregate_reports (id) ON DELETE CASCADE,
    CONSTRAINT fk_received_message_contents_failure FOREIGN KEY (failure_report_id) REFERENCES failure_reports (id) ON DELETE CASCADE,
    CONSTRAINT fk_received_message_contents_rejected FOREIGN KEY (rejected_input_id) REFERENCES rejected_inputs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='what each received message contained: stored or duplicate reports, rejected inputs';
