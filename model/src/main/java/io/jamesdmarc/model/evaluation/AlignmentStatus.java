package io.jamesdmarc.model.evaluation;

/** The outcome of one mechanism's identifier alignment check (RFC 9989 section 4.4). */
public enum AlignmentStatus {
    /** An authenticated identifier is aligned with the Author Domain: DMARC passes. */
    ALIGNED,
    /** Identifiers authenticated, none aligned. */
    NOT_ALIGNED,
    /** Nothing authenticated: no passing DKIM signature, or SPF did not pass. */
    NO_AUTHENTICATED_IDENTIFIER,
    /** A DNS failure hid an Organizational Domain the check needed. */
    TEMPERROR,
    /** Not checked, because no policy applies. */
    NOT_EVALUATED
}
