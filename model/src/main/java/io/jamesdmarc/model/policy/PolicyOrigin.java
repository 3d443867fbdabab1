package io.jamesdmarc.model.policy;

/** Where the applied DMARC Policy Record was published (RFC 9989 section 4.10.1, in order of preference). */
public enum PolicyOrigin {
    /** At the Author Domain: its {@code p} applies. */
    AUTHOR_DOMAIN,
    /** At the Organizational Domain of the Author Domain: {@code sp} or {@code np} apply. */
    ORGANIZATIONAL_DOMAIN,
    /** At the Public Suffix Domain ({@code psd=y}) above the Author Domain: {@code sp} or {@code np} apply. */
    PUBLIC_SUFFIX_DOMAIN
}
