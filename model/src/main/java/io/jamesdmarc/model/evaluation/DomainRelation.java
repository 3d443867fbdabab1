package io.jamesdmarc.model.evaluation;

/** How the Author Domain stands to the DMARC Policy Domain: it decides between p, sp and np. */
public enum DomainRelation {
    /** The record is the Author Domain's own: p applies. */
    AUTHOR_DOMAIN,
    /** A subdomain, its existence not tested because np is absent or equal to what applies anyway. */
    SUBDOMAIN,
    /** A subdomain that exists: sp applies, p when sp is absent. */
    EXISTING_SUBDOMAIN,
    /** A subdomain that does not exist (NXDOMAIN, RFC 9989 section 3.2.13): np applies. */
    NON_EXISTENT_SUBDOMAIN
}
