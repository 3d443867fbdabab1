package io.jamesdmarc.storage.outbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import io.jamesdmarc.model.outbound.ReportPeriod;

/**
 * What one aggregate report is about: a policy domain, a policy configuration
 * ({@code evaluation_domains.policy_hash}, hex) and a period. Unique in {@code outbound_aggregate_reports}.
 */
public record OutboundReportKey(String policyDomain, String policyHash, ReportPeriod period) {
    public OutboundReportKey {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(policyHash, "policyHash");
        Objects.requireNonNull(period, "period");
    }

    /**
     * The report's id, the same whoever makes it and however often: the period's start (Unix time) and
     * 12 hex digits of a SHA-256 of the key and the receiver, e.g. {@code 1780272000.3f2a9c0d1e4b}.
     */
    public String reportId(String receiver) {
        String joined = String.join("\u0000", policyDomain, policyHash, Long.toString(period.begin().getEpochSecond()),
            Long.toString(period.end().getEpochSecond()), receiver);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
            return period.begin().getEpochSecond() + "." + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return policyDomain + " (policy " + policyHash.substring(0, Math.min(8, policyHash.length())) + ") " + period;
    }
}
