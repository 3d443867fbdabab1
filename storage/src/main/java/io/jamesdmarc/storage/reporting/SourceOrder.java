package io.jamesdmarc.storage.reporting;

/** How the sources of a domain are ranked. */
public enum SourceOrder {
    /** Most messages first. */
    MESSAGES,
    /** Most DMARC-failing messages first: forgotten SPF includes and DKIM keys, and forgers. */
    FAIL_MESSAGES
}
