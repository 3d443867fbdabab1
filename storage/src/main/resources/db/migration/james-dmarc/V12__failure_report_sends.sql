-- The failure reports (RFC 9991) this server sends, and the rate limit on them. Every decision the failure
-- reporter takes about a report owed by an evaluation (evaluation_domains.failure_report_state = 'due') is one
-- row of failure_report_sends: sent to a destination, or suppressed and why. failure_report_limits counts the
-- reports sent to each destination address per window of failureSendFrequency: every James node that shares
-- the database counts in the same rows, so the limit holds across nodes and restarts. All times are UTC.
-- README.md ("Failure reports (outbound)") documents the columns and the reasons.

-- Reports sent to one destination address in one window (failureSendFrequency: a count per period).
CREATE TABLE failure_report_limits (
    destination    VARCHAR(320)  COLLATE utf8mb4_bin NOT NULL COMMENT 'the mailbox reports go to, lower case',
    window_start   DATETIME(3)   NOT NULL COMMENT 'start of the window: the period''s multiple since 1970-01-01 UTC',
    window_seconds INT UNSIGNED  NOT NULL COMMENT 'the period of the window, in seconds',
    sent           INT UNSIGNED  NOT NULL DEFAULT 0 COMMENT 'reports sent to destination in this window (never above the limit)',
    suppressed     INT UNSIGNED  NOT NULL DEFAULT 0 COMMENT 'reports not sent because the limit was reached',
    PRIMARY KEY (destination, window_start),
    KEY ix_failure_report_limits_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='failure reports sent per destination address and window: the rate limit every node shares';

-- What became of each failure report owed: one row per destination decided (sent or suppressed), or one row
-- without a destination when the report was suppressed before any (no usable ruf, disabled, too old...).
CREATE TABLE failure_report_sends (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    record_id         VARCHAR(64)     COLLATE utf8mb4_bin NOT NULL COMMENT 'evaluations.record_id of the reported message',
    header_from       VARCHAR(255)    NOT NULL COMMENT 'the Author Domain reported (evaluation_domains.header_from)',
    policy_domain     VARCHAR(255)    NULL     COMMENT 'whose ruf asked for the report',
    requested_uri     TEXT            NULL     COMMENT 'the ruf URI as published; NULL when the report was suppressed before any URI',
    destination       VARCHAR(320)    NULL     COMMENT 'the mailbox the report went (or would have gone) to, lower case',
    outcome           VARCHAR(16)     NOT NULL COMMENT 'sent or suppressed',
    reason            VARCHAR(32)     NOT NULL COMMENT 'sent, rate_limited, not_authorised, ignored, no_destination, disabled, too_old, no_details, unbuildable',
    detail            TEXT            NOT NULL COMMENT 'the decision in a sentence, for the operator',
    report_message_id VARCHAR(255)    NULL     COMMENT 'Message-ID of the report mail sent',
    reporter          VARCHAR(255)    NOT NULL COMMENT 'the James node that decided (its host name)',
    decided_at        DATETIME(3)     NOT NULL,
    PRIMARY KEY (id),
    KEY ix_failure_report_sends_record (record_id, header_from),
    KEY ix_failure_report_sends_decided_at (decided_at),
    KEY ix_failure_report_sends_destination (destination, decided_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='every failure report decision: sent to whom, or suppressed and why';

-- The whole message, for failure reports that include it (failureIncludeMessage=true only): captured by
-- DmarcFailureReporter when DmarcEvaluate found a failure, up to failureMessageMaxBytes, and deleted once no
-- report of its evaluation is owed any more (or after a few days, when none ever was).
CREATE TABLE failure_report_messages (
    record_id VARCHAR(64)  COLLATE utf8mb4_bin NOT NULL COMMENT 'evaluations.record_id of the message',
    message   LONGBLOB     NOT NULL COMMENT 'the message as James held it after DmarcEvaluate (its Authentication-Results on top)',
    stored_at DATETIME(3)  NOT NULL,
    PRIMARY KEY (record_id),
    KEY ix_failure_report_messages_stored_at (stored_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  COMMENT='messages kept for failure reports that include the whole message';
