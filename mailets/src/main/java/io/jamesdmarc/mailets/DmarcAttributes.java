package io.jamesdmarc.mailets;

import org.apache.mailet.AttributeName;

/**
 * The mail attributes the james-dmarc mailets write and read: one place, so that a mailet that
 * evaluates a message and a mailet that stores or reports on it agree on names and values.
 *
 * <p>Every value is a {@code String} (it survives James's mail queues) holding a lower-case RFC
 * 8601 token or a domain in lower case without a trailing dot. Our names live under
 * {@code io.jamesdmarc.}: {@code org.apache.james.*} is James's own.
 *
 * <p>{@link DmarcEvaluate} writes the {@code dmarc}, {@code dkim}, {@code spf} and {@code evaluation}
 * attributes of each mail it evaluates (and removes stale ones of an earlier pass); a mail it does
 * not evaluate has none of them.
 *
 * <p>Also here, read-only, the names under which James's own mailets leave their results, so
 * that no other class spells them.
 */
public final class DmarcAttributes {

    /** DMARC result of the message (RFC 9989): {@code pass}, {@code fail}, {@code none}, {@code temperror}, {@code permerror}. */
    public static final AttributeName DMARC_RESULT = AttributeName.of("io.jamesdmarc.dmarc.result");
    /** The Author Domain evaluated: the RFC5322.From domain. */
    public static final AttributeName DMARC_DOMAIN = AttributeName.of("io.jamesdmarc.dmarc.domain");
    /**
     * What the Domain Owner's policy asks for the message (RFC 9990 dispositions): {@code reject} or
     * {@code quarantine} when it fails DMARC under such a policy, {@code pass} when it passes under one,
     * {@code none} otherwise (no policy, {@code p=none}, temperror...).
     */
    public static final AttributeName DMARC_DISPOSITION = AttributeName.of("io.jamesdmarc.dmarc.disposition");
    /**
     * What this server does with the message: {@link #DMARC_DISPOSITION} as {@code DmarcEvaluate}'s
     * {@code enforcement} lets it ({@code monitor}: never {@code quarantine} nor {@code reject}). What the
     * {@code IsDmarcDisposition} matcher reads, and what the evaluation records for aggregate reports.
     */
    public static final AttributeName DMARC_APPLIED_DISPOSITION = AttributeName.of("io.jamesdmarc.dmarc.applied");
    /** The DMARC Policy Domain: where the policy record was found (absent when none was). */
    public static final AttributeName DMARC_POLICY_DOMAIN = AttributeName.of("io.jamesdmarc.dmarc.policy.domain");
    /** The policy in force for the Author Domain ({@code p}, {@code sp} or {@code np}, lowered one level by {@code t=y}): {@code none}, {@code quarantine}, {@code reject}. */
    public static final AttributeName DMARC_POLICY = AttributeName.of("io.jamesdmarc.dmarc.policy");
    /** {@code y} when the policy record asks for test mode ({@code t=y}), {@code n} otherwise (absent when no record). */
    public static final AttributeName DMARC_TESTING = AttributeName.of("io.jamesdmarc.dmarc.testing");
    /**
     * The id of the evaluation recorded for the message: {@code evaluations.record_id} in the DMARC database
     * (absent when recording is off). The same for every retry of one received mail.
     */
    public static final AttributeName EVALUATION_ID = AttributeName.of("io.jamesdmarc.evaluation.id");
    /**
     * DKIM result as DMARC used it: {@code pass} when a signature of an aligned domain verified, else
     * {@code pass} when any signature verified, else the first signature's result; {@code none} when unsigned.
     */
    public static final AttributeName DKIM_RESULT = AttributeName.of("io.jamesdmarc.dkim.result");
    /** The {@code d=} domain of the signature {@link #DKIM_RESULT} is about (absent when unsigned). */
    public static final AttributeName DKIM_DOMAIN = AttributeName.of("io.jamesdmarc.dkim.domain");
    /** SPF result of the MAIL FROM identity (or of the HELO name for a null reverse-path). */
    public static final AttributeName SPF_RESULT = AttributeName.of("io.jamesdmarc.spf.result");
    /** The domain {@link #SPF_RESULT} is about: the MAIL FROM domain, or the HELO name. */
    public static final AttributeName SPF_DOMAIN = AttributeName.of("io.jamesdmarc.spf.domain");

    /**
     * Set, to any value, on every mail a james-dmarc reporter sends (aggregate and failure reports):
     * {@code DmarcEvaluate} never evaluates such a mail, so that our own reports are not counted as
     * inbound mail. Reporters must set it on the mail they hand to {@code MailetContext.sendMail}.
     */
    public static final AttributeName OUTBOUND_REPORT = AttributeName.of("io.jamesdmarc.outbound-report");

    /**
     * James's {@code DKIMVerify}: {@code pass (identity @example.com)}, {@code fail (...)} or
     * {@code neutral (no signatures)}. It names the {@code i=} identity only, not {@code d=}.
     */
    public static final AttributeName JAMES_DKIM_RESULT = AttributeName.of("jDKIM.AUTHRESULT");
    /** James's {@code SPF} mailet: {@code pass}, {@code fail}, {@code softfail}, {@code neutral}, {@code none}, {@code permerror}, {@code temperror}. */
    public static final AttributeName JAMES_SPF_RESULT = AttributeName.of("org.apache.james.transport.mailets.spf.result");
    /** James's SMTP server: set (Boolean true) when the client's address is one of {@code authorizedAddresses}. */
    public static final AttributeName JAMES_AUTHORIZED_NETWORK = AttributeName.of("org.apache.james.SMTPIsAuthNetwork");
    /** James's JMAP server: the user who sent the mail with JMAP. */
    public static final AttributeName JAMES_JMAP_SENDER = AttributeName.of("org.apache.james.jmap.send.MailMetaData.username");

    private DmarcAttributes() {
    }
}
