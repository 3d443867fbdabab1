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
 * <p>Also here, read-only, the names under which James's own mailets leave their results, so
 * that no other class spells them.
 */
public final class DmarcAttributes {

    /** DMARC result of the message (RFC 9989): {@code pass}, {@code fail}, {@code none}, {@code temperror}, {@code permerror}. */
    public static final AttributeName DMARC_RESULT = AttributeName.of("io.jamesdmarc.dmarc.result");
    /** The Author Domain evaluated: the RFC5322.From domain. */
    public static final AttributeName DMARC_DOMAIN = AttributeName.of("io.jamesdmarc.dmarc.domain");
    /** What the domain's policy asks for the message: {@code none}, {@code quarantine}, {@code reject}. */
    public static final AttributeName DMARC_DISPOSITION = AttributeName.of("io.jamesdmarc.dmarc.disposition");
    /** DKIM result as DMARC used it: {@code pass} when a signature of an aligned domain verified, else the best result seen. */
    public static final AttributeName DKIM_RESULT = AttributeName.of("io.jamesdmarc.dkim.result");
    /** The {@code d=} domain of the signature {@link #DKIM_RESULT} is about. */
    public static final AttributeName DKIM_DOMAIN = AttributeName.of("io.jamesdmarc.dkim.domain");
    /** SPF result of the MAIL FROM identity (or of the HELO name for a null reverse-path). */
    public static final AttributeName SPF_RESULT = AttributeName.of("io.jamesdmarc.spf.result");
    /** The domain {@link #SPF_RESULT} is about: the MAIL FROM domain, or the HELO name. */
    public static final AttributeName SPF_DOMAIN = AttributeName.of("io.jamesdmarc.spf.domain");

    /**
     * James's {@code DKIMVerify}: {@code pass (identity @example.com)}, {@code fail (...)} or
     * {@code neutral (no signatures)}. It names the {@code i=} identity only, not {@code d=}.
     */
    public static final AttributeName JAMES_DKIM_RESULT = AttributeName.of("jDKIM.AUTHRESULT");
    /** James's {@code SPF} mailet: {@code pass}, {@code fail}, {@code softfail}, {@code neutral}, {@code none}, {@code permerror}, {@code temperror}. */
    public static final AttributeName JAMES_SPF_RESULT = AttributeName.of("org.apache.james.transport.mailets.spf.result");

    private DmarcAttributes() {
    }
}
