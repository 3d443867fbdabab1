package io.jamesdmarc.model.dns;

/** How a DNS question was answered. Only {@link #TEMPFAIL} means "we do not know". */
public enum DnsStatus {
    /** The name has records of the type asked for. */
    FOUND,
    /** The name exists but has no record of that type (NOERROR, empty answer). */
    NO_DATA,
    /** The name does not exist, nor does anything below it (RFC 8020). */
    NXDOMAIN,
    /** The name cannot exist in the DNS (empty or over-long label, name over 253 characters). */
    INVALID_NAME,
    /** Timeout, SERVFAIL, REFUSED or an unusable answer from every server: ask again later. */
    TEMPFAIL
}
