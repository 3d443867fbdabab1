package io.jamesdmarc.model.policy;

/** The outcome of DMARC policy discovery. */
public enum DiscoveryStatus {
    /** A DMARC Policy Record applies. */
    FOUND,
    /** No record applies: DMARC does not apply to the message (RFC 9989 section 4.10.1). */
    NO_POLICY,
    /** A DNS failure hid the answer: neither pass nor fail can be concluded. */
    TEMPERROR
}
