package io.jamesdmarc.model.vocabulary;

/** The DMARC method result (RFC 8601 section 2.7.1 as updated by RFC 9989 section 9.2). */
public enum DmarcResult implements Vocabulary {
    /** An aligned identifier authenticated the Author Domain. */
    PASS("pass"),
    /** A policy applies and no authenticated identifier is aligned. */
    FAIL("fail"),
    /** No DMARC policy applies to the Author Domain. */
    NONE("none"),
    /** A DNS failure that may go away prevented a conclusion: try again later. */
    TEMPERROR("temperror"),
    /** The message cannot be evaluated (no or unusable RFC5322.From, evaluation incomplete). */
    PERMERROR("permerror");

    private final String token;

    DmarcResult(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
