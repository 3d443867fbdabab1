package io.jamesdmarc.model.vocabulary;

/** The DMARC-aligned result of DKIM or SPF in {@code policy_evaluated}. */
public enum PolicyResult implements Vocabulary {
    PASS("pass"),
    FAIL("fail");

    private final String token;

    PolicyResult(String token) {
        this.token = token;
    }

    @Override
    public String token() {
        return token;
    }
}
