package io.jamesdmarc.model.vocabulary;

/** The failure reporting options of the {@code fo} tag (RFC 9989 section 4.7). */
public enum FailureOption implements Vocabulary {
    /** Report when no mechanism produced an aligned pass (the default). */
    ALL_FAIL("0"),
    /** Report when any mechanism failed to produce an aligned pass. */
    ANY_FAIL("1"),
    /** Report any DKIM signature that failed evaluation, aligned or not. */
    DKIM("d"),
    /** Report any SPF evaluation failure, aligned or not. */
    SPF("s");

    private final String token;

    FailureOption(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
