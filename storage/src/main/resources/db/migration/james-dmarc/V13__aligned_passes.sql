-- evaluation_domains.identity_alignment listed the mechanisms that produced an aligned pass. RFC 9991's
-- Identity-Alignment is the reverse (the mechanisms that failed to authenticate an aligned identity), which
-- the failure reporter computes itself: the column keeps its values under a name that says what they are.
ALTER TABLE evaluation_domains
    DROP COLUMN identity_alignment,
    ADD COLUMN aligned_passes VARCHAR(16) AS (CASE WHEN policy_dkim = 'pass' AND policy_spf = 'pass' THEN 'dkim, spf'
                                                   WHEN policy_dkim = 'pass' THEN 'dkim'
                                                   WHEN policy_spf = 'pass' THEN 'spf'
                                                   ELSE 'none' END) VIRTUAL
        COMMENT 'the mechanisms that gave a DMARC-aligned pass: dkim, spf, "dkim, spf" or none (not RFC 9991 Identity-Alignment)'
        AFTER aligned_spf_domain;
