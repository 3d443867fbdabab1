package io.jamesdmarc.storage.evaluation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * {@code evaluation_domains.aggregate_key}: what makes two evaluated author domains one aggregate
 * report record. The SHA-256 of the record's values as stored, NUL-separated, a NULL as the single
 * character U+0001, in UTF-8; in SQL:
 *
 * <pre>
 * UNHEX(SHA2(CONCAT_WS(CHAR(0), e.source_ip_text, IFNULL(e.envelope_from, CHAR(1)), e.envelope_to, e.auth_results,
 *     d.header_from, d.disposition, IFNULL(d.policy_dkim, CHAR(1)), IFNULL(d.policy_spf, CHAR(1)), d.override_reasons), 256))
 * </pre>
 *
 * Computed by the store, not by a generated column, because its values live in two tables; with it
 * on the domain row, a report's grouping reads one index and nothing else.
 */
final class AggregateKey {

    private static final char SEPARATOR = '\u0000';
    private static final String NULL = "\u0001";

    private AggregateKey() {
    }

    static byte[] of(String sourceIpText, Optional<String> envelopeFrom, String envelopeTo, String authResults, String headerFrom,
                     String disposition, Optional<String> policyDkim, Optional<String> policySpf, String overrideReasons) {
        String joined = String.join(String.valueOf(SEPARATOR), sourceIpText, envelopeFrom.orElse(NULL), envelopeTo, authResults,
            headerFrom, disposition, policyDkim.orElse(NULL), policySpf.orElse(NULL), overrideReasons);
        try {
            return MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
