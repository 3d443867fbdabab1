package io.jamesdmarc.model.destination;

/** Whether reports may go to a requested destination. */
public enum DestinationStatus {
    /** Inside the policy domain's Organizational Domain: no check needed. */
    INTERNAL,
    /** Outside, and the destination published its consent (RFC 9990, "Verifying External Destinations"). */
    AUTHORISED,
    /** Outside, without consent (or with an override to yet another host): send nothing there. */
    NOT_AUTHORISED,
    /** Not a destination we use: not mailto, malformed, or a ruf of a psd=y record. */
    IGNORED,
    /** The DNS could not answer: ask again before sending. */
    TEMPERROR;

    /** Whether reports may be sent to the destination's mailboxes. */
    public boolean deliverable() {
        return this == INTERNAL || this == AUTHORISED;
    }
}
